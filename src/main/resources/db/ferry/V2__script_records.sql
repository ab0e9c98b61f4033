-- Checksums Ferry keeps about target scripts.
-- The undo script of each applied version as it was when the version was applied: a revert reports
-- an undo script edited since.
CREATE TABLE ferry_undo_checksum (
    target      VARCHAR(128) NOT NULL,
    version     VARCHAR(64)  NOT NULL,
    script      VARCHAR(255) NOT NULL,
    checksum    INT          NOT NULL,
    recorded_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (target, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Scripts whose exact checksum passed sandbox validation: what the validation gate trusts.
CREATE TABLE ferry_validated_script (
    target       VARCHAR(128) NOT NULL,
    script       VARCHAR(255) NOT NULL,
    checksum     INT          NOT NULL,
    request_id   VARCHAR(128) NOT NULL,
    validated_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (target, script, checksum)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
