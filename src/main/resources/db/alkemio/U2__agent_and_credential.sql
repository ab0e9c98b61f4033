-- ferry:allow drop-table reverting V2 removes exactly the tables V2 created
-- ferry:allow drop-column reverting V2 removes the agentId column V2 added
DROP TABLE credential;
ALTER TABLE `user` DROP FOREIGN KEY FK_user_agent, DROP INDEX REL_user_agent, DROP COLUMN agentId;
DROP TABLE agent;
