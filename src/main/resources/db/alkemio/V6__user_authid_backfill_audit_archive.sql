-- Audit rows past the retention period are moved here by Ferry's retention job (policy archive-table).
CREATE TABLE user_authid_backfill_audit_archive LIKE user_authid_backfill_audit;
ALTER TABLE user_authid_backfill_audit_archive ADD COLUMN archived_at DATETIME(3) NULL;
