-- ferry:allow drop-table reverting V5 removes the audit table V5 created (archive it first if it matters)
DROP TABLE user_authid_backfill_audit;
