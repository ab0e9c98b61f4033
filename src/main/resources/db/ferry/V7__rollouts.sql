-- Rollouts: one change rolled across the targets of a group, in waves, driven from these rows so that
-- any instance can take over the driving when its driver stops. The rollout's own request (same id)
-- is in ferry_request; each target's change is an ordinary child request '<rollout id>/<target>'.
CREATE TABLE ferry_rollout (
    rollout_id     VARCHAR(128)  NOT NULL,
    group_name     VARCHAR(128)  NOT NULL,
    action         VARCHAR(16)   NOT NULL,
    to_version     VARCHAR(64)   NULL,
    options        VARCHAR(2000) NOT NULL,
    requested_by   VARCHAR(255)  NULL,
    state          VARCHAR(16)   NOT NULL,
    halted_because VARCHAR(1000) NULL,
    driver         VARCHAR(255)  NULL,
    heartbeat_at   DATETIME(3)   NULL,
    created_at     DATETIME(3)   NOT NULL,
    finished_at    DATETIME(3)   NULL,
    PRIMARY KEY (rollout_id),
    KEY ix_rollout_state (state, heartbeat_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE ferry_rollout_target (
    rollout_id     VARCHAR(128)  NOT NULL,
    target         VARCHAR(128)  NOT NULL,
    wave           INT           NOT NULL,
    position       INT           NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    version_after  VARCHAR(64)   NULL,
    error_code     VARCHAR(64)   NULL,
    PRIMARY KEY (rollout_id, target),
    KEY ix_rollout_target_wave (rollout_id, wave, position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
