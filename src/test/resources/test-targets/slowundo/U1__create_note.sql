DO SLEEP(2);
-- ferry:allow drop-table undoing V1 removes the table it created
DROP TABLE note;
