-- The same intent, with a bug: it also zeroes a balance.
UPDATE account SET email = LOWER(email) WHERE BINARY email <> BINARY LOWER(email);
UPDATE account SET balance = 0 WHERE id = 2;
