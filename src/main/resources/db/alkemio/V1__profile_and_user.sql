-- Alkemio: profiles and the users who own them.
CREATE TABLE profile (
    id          CHAR(36)     NOT NULL,
    createdDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    version     INT          NOT NULL DEFAULT 1,
    displayName VARCHAR(255) NOT NULL,
    tagline     VARCHAR(512) NULL,
    description TEXT         NULL,
    type        VARCHAR(128) NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE `user` (
    id             CHAR(36)     NOT NULL,
    createdDate    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedDate    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    version        INT          NOT NULL DEFAULT 1,
    nameID         VARCHAR(36)  NOT NULL,
    email          VARCHAR(255) NOT NULL,
    firstName      VARCHAR(128) NOT NULL,
    lastName       VARCHAR(128) NOT NULL,
    phone          VARCHAR(64)  NULL,
    accountUpn     VARCHAR(255) NOT NULL,
    serviceProfile BOOLEAN      NOT NULL DEFAULT FALSE,
    profileId      CHAR(36)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY UQ_user_email (email),
    UNIQUE KEY UQ_user_nameID (nameID),
    UNIQUE KEY REL_user_profile (profileId),
    CONSTRAINT FK_user_profile FOREIGN KEY (profileId) REFERENCES profile (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
