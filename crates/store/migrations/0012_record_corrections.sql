-- A correction of a published record is a draft of its next revision (先审查后公开): it waits
-- here, with the full corrected content, until a reviewer other than its author approves it
-- (then it replaces the record's content and the old text goes to record_revisions) or returns
-- it with a reason. One open correction per record.
CREATE TABLE record_corrections (
    id {{ID}},
    record_id BIGINT NOT NULL UNIQUE REFERENCES records (id),
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    written_on TEXT,
    theme TEXT NOT NULL,
    genre TEXT NOT NULL,
    keywords TEXT NOT NULL,
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    validity TEXT NOT NULL,
    disclosure_method TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    column_slugs TEXT NOT NULL,
    change_note TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    author_name TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    screening_findings BIGINT NOT NULL DEFAULT 0,
    reviewer_name TEXT NOT NULL DEFAULT '',
    returned_at TEXT,
    return_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX record_corrections_author ON record_corrections (author_id, status);
