ALTER TABLE project ADD COLUMN owner VARCHAR(64) NULL, ADD INDEX ix_project_owner (owner);
