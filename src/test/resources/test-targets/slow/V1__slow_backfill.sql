-- Stands in for a long migration: it outlives the test's max.poll.interval.ms several times.
SELECT SLEEP(12);
CREATE TABLE slow_done (id INT NOT NULL PRIMARY KEY);
