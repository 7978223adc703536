-- Disclosure on application (依申请公开): applications, their clock events, attachments and
-- letters; calendar years added by administrators; counters for public-form rate limits.

CREATE TABLE applications (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    submission_key TEXT NOT NULL UNIQUE,
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    applicant_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    doc_hint TEXT NOT NULL DEFAULT '',
    delivery TEXT NOT NULL,
    status TEXT NOT NULL,
    received_on TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_on TEXT,
    outcome TEXT NOT NULL DEFAULT '',
    replied_on TEXT,
    proactive_record_id BIGINT REFERENCES records (id),
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX applications_org_status ON applications (org_id, status, due_on);

CREATE TABLE application_events (
    id {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE application_files (
    id {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE application_letters (
    id {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX application_letters_app ON application_letters (application_id);

CREATE TABLE calendar_years (
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, year)
);

CREATE TABLE form_submissions (
    id {{ID}},
    scope_key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX form_submissions_key_at ON form_submissions (scope_key, at);

CREATE TABLE applicant_sessions (
    token_hash TEXT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    expires_at TEXT NOT NULL
);

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
