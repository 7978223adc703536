-- 有条件开放: requests for access to a conditionally open dataset, a case of the case kernel
-- (tracking code `SJ…`, query password, events, status sessions). An approved request carries
-- the period granted and, once the applicant has seen it, the SHA-256 of its download token.
CREATE TABLE data_access_requests (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    submission_key TEXT NOT NULL UNIQUE,
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    applicant_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL,
    intended_use TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    status TEXT NOT NULL,
    received_on TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_on TEXT,
    due_provisional INTEGER NOT NULL DEFAULT 0,
    decided_on TEXT,
    decided_by TEXT NOT NULL DEFAULT '',
    granted_from TEXT,
    granted_to TEXT,
    refusal_reason TEXT NOT NULL DEFAULT '',
    token_hash TEXT UNIQUE,
    token_issued_at TEXT,
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX data_access_requests_org ON data_access_requests (org_id, status, due_on);
CREATE INDEX data_access_requests_dataset ON data_access_requests (dataset_id, status);

CREATE TABLE data_access_events (
    id {{ID}},
    data_access_request_id BIGINT NOT NULL REFERENCES data_access_requests (id),
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX data_access_events_request ON data_access_events (data_access_request_id, id);

CREATE TABLE data_access_sessions (
    token_hash TEXT PRIMARY KEY,
    data_access_request_id BIGINT NOT NULL REFERENCES data_access_requests (id),
    expires_at TEXT NOT NULL
);
