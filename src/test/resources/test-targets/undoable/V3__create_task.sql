CREATE TABLE task (id INT NOT NULL PRIMARY KEY, projectId INT NOT NULL,
    CONSTRAINT fk_task_project FOREIGN KEY (projectId) REFERENCES project (id));
