-- A pending script that names the live schema: run in a sandbox, it would change production.
UPDATE account SET balance = balance + 1 WHERE id = 1;
DELETE FROM ferry_test_escaping.account WHERE id = 2;
