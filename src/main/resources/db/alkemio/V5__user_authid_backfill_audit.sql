-- One row per user per backfill run (run_id = the requestId): what was tried and how it ended.
-- Platform teams query it directly:
--   SELECT user_id, email, kratos_error, resolution_status, attempted_at
--   FROM user_authid_backfill_audit WHERE resolution_status != 'success' ORDER BY attempted_at DESC;
CREATE TABLE user_authid_backfill_audit (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    run_id            VARCHAR(128) NOT NULL,
    user_id           CHAR(36)     NOT NULL,
    email             VARCHAR(255) NOT NULL,
    identity_id       CHAR(36)     NULL,
    resolution_status VARCHAR(16)  NOT NULL,
    failure_reason    VARCHAR(16)  NULL,
    kratos_error      VARCHAR(1000) NULL,
    attempts          INT          NOT NULL DEFAULT 1,
    attempted_at      DATETIME(3)  NOT NULL,
    resolved_at       DATETIME(3)  NULL,
    resolved_by       VARCHAR(255) NULL,
    resolution_note   VARCHAR(2000) NULL,
    version           INT          NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    CONSTRAINT CK_audit_status CHECK (resolution_status IN ('success', 'failed', 'resolved')),
    CONSTRAINT CK_audit_reason CHECK (failure_reason IS NULL OR failure_reason IN ('missing', 'duplicate', 'error')),
    -- Exactly one row per user per run: a resumed run updates the row instead of adding one.
    UNIQUE KEY UQ_audit_run_user (run_id, user_id),
    -- The documented query and newest-first keyset pages, by status and overall.
    KEY IX_audit_status_attempted (resolution_status, attempted_at, id),
    KEY IX_audit_attempted (attempted_at, id),
    KEY IX_audit_reason_attempted (failure_reason, attempted_at, id),
    KEY IX_audit_email (email),
    KEY IX_audit_user (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
