-- Open government data (政府数据开放): datasets with their metadata and review state, their
-- open-data themes (CKAN's groups) and tags, their resources (an uploaded file kept as a blob,
-- or a link) with per-resource download counts, and the API tokens CKAN clients write with.
CREATE TABLE datasets (
    id {{ID}},
    uuid TEXT NOT NULL UNIQUE,
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    theme TEXT NOT NULL DEFAULT '',
    license_id TEXT NOT NULL,
    frequency TEXT NOT NULL,
    temporal_start TEXT,
    temporal_end TEXT,
    spatial TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    openness TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '',
    legal_ground TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    author_name TEXT NOT NULL,
    reviewer_name TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    UNIQUE (site_id, name)
);
CREATE INDEX datasets_site_status ON datasets (site_id, status, updated_at);

CREATE TABLE dataset_groups (
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    theme TEXT NOT NULL,
    PRIMARY KEY (dataset_id, theme)
);

CREATE TABLE dataset_tags (
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (dataset_id, tag)
);
CREATE INDEX dataset_tags_tag ON dataset_tags (tag);

CREATE TABLE dataset_resources (
    id {{ID}},
    uuid TEXT NOT NULL UNIQUE,
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    sha256 TEXT,
    file_name TEXT NOT NULL DEFAULT '',
    size BIGINT,
    downloads BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_modified TEXT NOT NULL
);
CREATE INDEX dataset_resources_dataset ON dataset_resources (dataset_id, position);

CREATE TABLE api_tokens (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
