-- ferry:allow drop-table undoing V3 removes the table it created
DROP TABLE task;
