-- Proactive disclosure: records with catalogue metadata, their columns, revisions, attachments,
-- index number serials, per-site themes and the negative list used by screening.

CREATE TABLE records (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    index_no TEXT UNIQUE,
    title TEXT NOT NULL,
    doc_number TEXT NOT NULL DEFAULT '',
    written_on TEXT,
    published_at TEXT,
    theme TEXT NOT NULL DEFAULT '',
    genre TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    validity TEXT NOT NULL DEFAULT 'valid',
    validity_changed_on TEXT,
    superseded_by BIGINT REFERENCES records (id),
    disclosure TEXT NOT NULL DEFAULT '',
    exemption TEXT NOT NULL DEFAULT '',
    disclosure_method TEXT NOT NULL DEFAULT '政府网站',
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    interprets_id BIGINT REFERENCES records (id),
    interpretation_form TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES users (id),
    reviewer_id BIGINT REFERENCES users (id),
    screening_note TEXT NOT NULL DEFAULT '',
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    change_note TEXT NOT NULL DEFAULT '',
    source_key TEXT UNIQUE,
    revision BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_public ON records (site_id, status, disclosure, published_at);
CREATE INDEX records_org ON records (org_id, status);
CREATE INDEX records_doc_number ON records (org_id, doc_number);
CREATE INDEX records_interprets ON records (interprets_id);

CREATE TABLE record_columns (
    record_id BIGINT NOT NULL REFERENCES records (id),
    column_slug TEXT NOT NULL,
    PRIMARY KEY (record_id, column_slug)
);
CREATE INDEX record_columns_slug ON record_columns (column_slug);

CREATE TABLE record_revisions (
    id {{ID}},
    record_id BIGINT NOT NULL REFERENCES records (id),
    revision BIGINT NOT NULL,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL,
    change_note TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    UNIQUE (record_id, revision)
);

CREATE TABLE index_serials (
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE attachments (
    id {{ID}},
    record_id BIGINT NOT NULL REFERENCES records (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_record ON attachments (record_id);

CREATE TABLE themes (
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, code)
);

CREATE TABLE org_guides (
    org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    body_html TEXT NOT NULL,
    office_name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    fax TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE negative_terms (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    term TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (site_id, term)
);
