-- Typed public lists (权力清单, 办事指南, 执法公示, 公示 …). The built-in list types live in the
-- code (`gongkai_domain::typed_list::builtin`), so every site has them without seeding and they
-- follow the program; a type an administrator defines is kept here with its schema as JSON.
-- A row names its type by code, keeps its cells as JSON (field key → canonical text) and carries
-- what its rules read as columns: its review state, validity, 公示 end, version for optimistic
-- concurrency, the text the public may search (public cells, masked), and for 执法公示 the decision kind and date the annual report counts.

CREATE TABLE list_types (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    schema_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_id, code)
);

CREATE TABLE list_rows (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    type_code TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    cells TEXT NOT NULL,
    public_text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    validity TEXT NOT NULL DEFAULT 'valid',
    author_id BIGINT REFERENCES users (id),
    reviewer_id BIGINT REFERENCES users (id),
    return_reason TEXT NOT NULL DEFAULT '',
    screening_note TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    gongshi_until TEXT,
    gongshi_ended BIGINT NOT NULL DEFAULT 0,
    decision_kind TEXT NOT NULL DEFAULT '',
    decided_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX list_rows_type ON list_rows (site_id, type_code, status);
CREATE INDEX list_rows_org ON list_rows (org_id, decision_kind);
CREATE INDEX list_rows_gongshi ON list_rows (gongshi_ended, gongshi_until);
