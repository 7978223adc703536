-- Scheduled publication (`publication::announce_due`) runs every few seconds on every node and
-- looks for records approved but not yet announced. Without an index it read the whole records
-- table each time (100,000 records: every row, every five seconds). The partial index holds
-- only the records still to announce, which is almost always none.
CREATE INDEX records_unannounced ON records (published_at, id) WHERE publication_announced = 0;
