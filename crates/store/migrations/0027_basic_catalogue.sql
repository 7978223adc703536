-- 主动公开基本目录: each site's catalogue rows in the official schema, the organisations each row
-- is assigned to, and the records published under a row (whose timeliness is counted against
-- the row's limit).

CREATE TABLE catalogue_items (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    area TEXT NOT NULL,
    subject TEXT NOT NULL,
    elements TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '',
    limit_days BIGINT NOT NULL,
    owner TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL,
    method TEXT NOT NULL,
    level TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_id, area, subject)
);

CREATE TABLE catalogue_item_orgs (
    item_id BIGINT NOT NULL REFERENCES catalogue_items (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (item_id, org_id)
);
CREATE INDEX catalogue_item_orgs_org ON catalogue_item_orgs (org_id);

CREATE TABLE record_catalogue_items (
    record_id BIGINT NOT NULL REFERENCES records (id),
    item_id BIGINT NOT NULL REFERENCES catalogue_items (id),
    PRIMARY KEY (record_id, item_id)
);
CREATE INDEX record_catalogue_items_item ON record_catalogue_items (item_id);
