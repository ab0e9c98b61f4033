-- Example data: 300 users, each with a profile, an agent and a global-registered credential.
-- Ids are derived from the row number so the data set is the same on every run.
CREATE TEMPORARY TABLE seed_numbers (n INT NOT NULL PRIMARY KEY);
INSERT INTO seed_numbers (n)
WITH RECURSIVE numbers (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < 300)
SELECT n FROM numbers;

INSERT INTO profile (id, displayName, tagline, type)
SELECT CONCAT('00000000-0000-4000-8001-', LPAD(n, 12, '0')),
       CONCAT('Example User ', n), 'Seeded by Ferry''s example target', 'user'
FROM seed_numbers;

INSERT INTO agent (id, type)
SELECT CONCAT('00000000-0000-4000-8002-', LPAD(n, 12, '0')), 'user' FROM seed_numbers;

INSERT INTO `user` (id, nameID, email, firstName, lastName, accountUpn, profileId, agentId)
SELECT CONCAT('00000000-0000-4000-8000-', LPAD(n, 12, '0')),
       CONCAT('example-user-', n),
       CONCAT('user', n, '@example.org'),
       'Example', CONCAT('User ', n),
       CONCAT('user', n, '@example.org'),
       CONCAT('00000000-0000-4000-8001-', LPAD(n, 12, '0')),
       CONCAT('00000000-0000-4000-8002-', LPAD(n, 12, '0'))
FROM seed_numbers;

INSERT INTO credential (id, resourceID, type, agentId)
SELECT CONCAT('00000000-0000-4000-8003-', LPAD(n, 12, '0')), '', 'global-registered',
       CONCAT('00000000-0000-4000-8002-', LPAD(n, 12, '0'))
FROM seed_numbers;

DROP TEMPORARY TABLE seed_numbers;
