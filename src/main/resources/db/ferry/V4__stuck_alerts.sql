-- When a stuck-request alert was raised for a RUNNING request, so it is raised once, by one instance.
ALTER TABLE ferry_request ADD COLUMN stuck_alerted_at DATETIME(3) NULL;
