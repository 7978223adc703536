-- Decision openness and responding to concerns: consultations on drafts (征求意见) with their
-- attachments, moderated comments and the per-comment feedback; public-opinion events
-- (政务舆情) with their timeline of responses.

CREATE TABLE consultations (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    draft_text TEXT NOT NULL,
    background TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    main_content TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    short_reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    feedback_summary TEXT NOT NULL DEFAULT '',
    decision_record_id BIGINT REFERENCES records (id),
    author_id BIGINT,
    opened_at TEXT,
    closed_at TEXT,
    feedback_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX consultations_status ON consultations (site_id, status, opens_at);
CREATE INDEX consultations_decision ON consultations (decision_record_id);

CREATE TABLE consultation_files (
    id {{ID}},
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX consultation_files_c ON consultation_files (consultation_id);

CREATE TABLE consultation_comments (
    id {{ID}},
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    tracking_code TEXT NOT NULL UNIQUE,
    submission_key TEXT NOT NULL UNIQUE,
    article_no BIGINT NOT NULL,
    body TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    moderation TEXT NOT NULL,
    reject_reason TEXT NOT NULL DEFAULT '',
    moderated_by TEXT NOT NULL DEFAULT '',
    moderated_at TEXT,
    adoption TEXT NOT NULL DEFAULT '',
    adoption_reason TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX consultation_comments_c ON consultation_comments (consultation_id, moderation, article_no);

CREATE TABLE opinion_events (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    evaluation TEXT NOT NULL DEFAULT '',
    registered_by TEXT NOT NULL,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX opinion_events_status ON opinion_events (status, first_seen_at);

CREATE TABLE opinion_responses (
    id {{ID}},
    event_id BIGINT NOT NULL REFERENCES opinion_events (id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL,
    record_id BIGINT REFERENCES records (id),
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX opinion_responses_event ON opinion_responses (event_id, at);
