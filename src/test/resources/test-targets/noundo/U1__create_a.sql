-- ferry:allow drop-table undoing V1
DROP TABLE a;
