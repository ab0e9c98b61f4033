CREATE TABLE account (
    id          INT           NOT NULL PRIMARY KEY,
    email       VARCHAR(100)  NOT NULL,
    balance     DECIMAL(10,2) NOT NULL,
    createdDate DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    version     INT           NOT NULL DEFAULT 1
);
INSERT INTO account (id, email, balance) VALUES (1, 'Alice@Example.org', 10.00), (2, 'bob@example.org', 20.50), (3, 'CAROL@example.org', 0.00);
