-- Every user will be linked to its Kratos identity; NULL until the backfill links it.
ALTER TABLE `user`
    ADD COLUMN authId CHAR(36) NULL,
    ADD UNIQUE KEY UQ_user_authId (authId);
