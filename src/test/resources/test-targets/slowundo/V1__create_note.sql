-- A table whose undo takes a moment, so a test can watch the history while it runs.
CREATE TABLE note (id INT PRIMARY KEY);
