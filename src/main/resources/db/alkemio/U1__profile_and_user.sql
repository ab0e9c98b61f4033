-- ferry:allow drop-table reverting V1 removes exactly the tables V1 created
DROP TABLE `user`;
DROP TABLE profile;
