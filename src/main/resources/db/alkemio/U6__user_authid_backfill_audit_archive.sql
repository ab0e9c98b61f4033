-- ferry:allow drop-table reverting V6 removes the archive table V6 created (export it first if it matters)
DROP TABLE user_authid_backfill_audit_archive;
