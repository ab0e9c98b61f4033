CREATE TABLE note (id INT NOT NULL PRIMARY KEY, body VARCHAR(200) NOT NULL);
INSERT INTO note (id, body) VALUES (1, 'kept'), (2, 'added by V1');
