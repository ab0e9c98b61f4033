-- Alkemio: every user acts through an agent that holds credentials (roles on resources).
CREATE TABLE agent (
    id          CHAR(36)     NOT NULL,
    createdDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    version     INT          NOT NULL DEFAULT 1,
    type        VARCHAR(128) NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

ALTER TABLE `user`
    ADD COLUMN agentId CHAR(36) NULL,
    ADD UNIQUE KEY REL_user_agent (agentId),
    ADD CONSTRAINT FK_user_agent FOREIGN KEY (agentId) REFERENCES agent (id) ON DELETE SET NULL;

CREATE TABLE credential (
    id          CHAR(36)     NOT NULL,
    createdDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedDate DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    version     INT          NOT NULL DEFAULT 1,
    resourceID  VARCHAR(36)  NOT NULL,
    type        VARCHAR(128) NOT NULL,
    agentId     CHAR(36)     NULL,
    PRIMARY KEY (id),
    KEY IDX_credential_type_resource (type, resourceID),
    CONSTRAINT FK_credential_agent FOREIGN KEY (agentId) REFERENCES agent (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
