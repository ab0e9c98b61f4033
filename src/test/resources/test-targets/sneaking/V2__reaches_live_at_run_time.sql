-- The same reach, built at run time, where no reading of the script can see it.
SET @live = CONCAT('ferry_test_', 'sneaking');
SET @sql = CONCAT('DELETE FROM ', @live, '.account WHERE id = 2');
PREPARE reach FROM @sql;
EXECUTE reach;
DEALLOCATE PREPARE reach;
