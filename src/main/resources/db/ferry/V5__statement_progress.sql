-- The statements of a target script that have run, recorded one by one, so that a script that failed
-- (or whose run was stopped) half-way continues at its next statement instead of needing hand SQL.
-- A statement's row is written as STARTED (with the target session running it) before it runs and
-- turns DONE when it ends; a STARTED row left behind names the statement Ferry was in when it stopped.
-- Rows of a version are removed once the target's history records it as applied.
CREATE TABLE ferry_statement_progress (
    target          VARCHAR(128) NOT NULL,
    version         VARCHAR(64)  NOT NULL,
    statement_index INT          NOT NULL,
    state           VARCHAR(8)   NOT NULL,
    session_id      BIGINT       NULL,
    script          VARCHAR(255) NOT NULL,
    line            INT          NOT NULL,
    -- CRC32 of the statement without comments and with whitespace collapsed: what resume compares.
    statement_hash  INT          NOT NULL,
    statement_start VARCHAR(120) NOT NULL,
    algorithm       VARCHAR(32)  NULL,
    lock_retries    INT          NOT NULL,
    duration_ms     BIGINT       NOT NULL,
    -- The target's last successful history row when the statement ran: rows of another history (the
    -- database was rebuilt, or repaired by hand) do not describe this one and are ignored.
    history_mark    VARCHAR(64)  NOT NULL,
    applied_at      DATETIME(3)  NOT NULL,
    PRIMARY KEY (target, version, statement_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
