DROP TABLE credential;
ALTER TABLE `user` DROP FOREIGN KEY FK_user_agent, DROP INDEX REL_user_agent, DROP COLUMN agentId;
DROP TABLE agent;
