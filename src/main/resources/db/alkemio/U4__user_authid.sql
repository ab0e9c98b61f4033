-- ferry:allow drop-column reverting V4 removes the column V4 added
ALTER TABLE `user` DROP INDEX UQ_user_authId, DROP COLUMN authId;
