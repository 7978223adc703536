-- Work records (工作台账): openness training sessions with attendees by organisation, and
-- leadership meetings on openness work with their chair and decisions; each with one file.
CREATE TABLE work_records (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    chair TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_kind TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX work_records_site ON work_records (site_id, held_on);

CREATE TABLE work_record_attendance (
    work_record_id BIGINT NOT NULL REFERENCES work_records (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    attendees BIGINT NOT NULL,
    PRIMARY KEY (work_record_id, org_id)
);
