-- The requests ledger: the source of truth for every request Ferry has received.
-- Times are UTC. request_id is the idempotency key: a second insert of the same id fails.
CREATE TABLE ferry_request (
    request_id    VARCHAR(128) NOT NULL,
    action        VARCHAR(32)  NOT NULL,
    target        VARCHAR(128) NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    dry_run       BOOLEAN      NOT NULL DEFAULT FALSE,
    forced        BOOLEAN      NOT NULL DEFAULT FALSE,
    requested_by  VARCHAR(255) NULL,
    reason        VARCHAR(1000) NULL,
    payload       LONGTEXT     NOT NULL,
    result        LONGTEXT     NULL,
    error_code    VARCHAR(64)  NULL,
    received_at   DATETIME(3)  NOT NULL,
    started_at    DATETIME(3)  NULL,
    finished_at   DATETIME(3)  NULL,
    published_at  DATETIME(3)  NULL,
    instance      VARCHAR(255) NULL,
    heartbeat_at  DATETIME(3)  NULL,
    deliveries    INT          NOT NULL DEFAULT 1,
    PRIMARY KEY (request_id),
    -- Newest-first keyset pages, overall and filtered.
    KEY ix_request_received (received_at, request_id),
    KEY ix_request_target_received (target, received_at, request_id),
    KEY ix_request_status_received (status, received_at, request_id),
    -- Stale RUNNING requests of dead instances.
    KEY ix_request_status_heartbeat (status, heartbeat_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
