-- Lower-case every email; nothing else may change. (BINARY: the column's collation ignores case.)
UPDATE account SET email = LOWER(email), version = version + 1 WHERE BINARY email <> BINARY LOWER(email);
