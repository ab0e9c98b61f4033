-- An unwaived destructive statement: blocked unless forced.
DROP TABLE scratch;
