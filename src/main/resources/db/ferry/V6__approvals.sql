-- Approvals: a request that needs a second person waits as AWAITING_APPROVAL (17 characters: the
-- status column grows). approval holds, as JSON, why it waits, the plan it was parked with (and that
-- plan's fingerprint), and who decided what, when and why; approval_expires_at is when an undecided
-- request ends as APPROVAL_EXPIRED.
ALTER TABLE ferry_request
    MODIFY status VARCHAR(32) NOT NULL,
    ADD COLUMN approval LONGTEXT NULL,
    ADD COLUMN approval_expires_at DATETIME(3) NULL,
    ADD KEY ix_request_status_expires (status, approval_expires_at);
