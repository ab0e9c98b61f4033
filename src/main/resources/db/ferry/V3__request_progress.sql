-- Progress of long requests (a backfill): processed/total, rate and ETA as JSON, refreshed per batch.
ALTER TABLE ferry_request ADD COLUMN progress VARCHAR(1000) NULL;
