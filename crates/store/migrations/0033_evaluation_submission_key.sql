-- 社会评议: each evaluation form carries an idempotency key, so a repeated submission (a double
-- click, a resent form) is stored once. Rows from before have none (NULLs never collide).
ALTER TABLE evaluation_responses ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX evaluation_responses_submission_key ON evaluation_responses (submission_key);
