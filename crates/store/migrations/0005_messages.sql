-- Public interaction (政民互动): messages, their handling steps, files, writer sessions.
-- Nothing is ever deleted: refused, hidden and held messages stay, with their reasons.

CREATE TABLE messages (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    submission_key TEXT NOT NULL UNIQUE,
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    -- Addressed to (the site itself for the 县长信箱 and for 政务公开投诉).
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    mailbox TEXT NOT NULL DEFAULT '',
    -- The department it is assigned to (交办), if any.
    handler_org_id BIGINT REFERENCES organisations (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    writer_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    allow_publish BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    received_on TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_on TEXT,
    assigned_on TEXT,
    supervision_level BIGINT NOT NULL DEFAULT 0,
    reply_text TEXT NOT NULL DEFAULT '',
    reply_author TEXT NOT NULL DEFAULT '',
    reply_org_id BIGINT REFERENCES organisations (id),
    replied_on TEXT,
    published BIGINT NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    held_reason TEXT NOT NULL DEFAULT '',
    not_accepted_reason TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL DEFAULT '',
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_on TEXT,
    rectify_due_on TEXT,
    rectify_outcome TEXT NOT NULL DEFAULT '',
    rectify_done_on TEXT,
    rectify_checked_on TEXT,
    fingerprint TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX messages_status_due ON messages (status, due_on);
CREATE INDEX messages_public ON messages (site_id, published, replied_on);
CREATE INDEX messages_fingerprint ON messages (fingerprint);

CREATE TABLE message_events (
    id {{ID}},
    message_id BIGINT NOT NULL REFERENCES messages (id),
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX message_events_message ON message_events (message_id, id);

CREATE TABLE message_files (
    id {{ID}},
    message_id BIGINT NOT NULL REFERENCES messages (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE message_sessions (
    token_hash TEXT PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id),
    expires_at TEXT NOT NULL
);
