-- ferry:allow drop-column undoing V2 removes the column it added
ALTER TABLE project DROP INDEX ix_project_owner, DROP COLUMN owner;
