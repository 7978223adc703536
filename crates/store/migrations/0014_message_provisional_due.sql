-- Whether a message's reply due date was counted over a year without calendar data (暂定):
-- 1 until that year's schedule is imported and the date recomputed.
ALTER TABLE messages ADD COLUMN due_provisional BIGINT NOT NULL DEFAULT 0;
