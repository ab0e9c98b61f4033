DROP TABLE `user`;
DROP TABLE profile;
