-- A published annual report is also a public record in 政府信息公开年报: the record it made.
ALTER TABLE annual_reports ADD COLUMN record_id BIGINT REFERENCES records (id);
