-- The audit history a site brought with it when it was imported from another deployment
-- (`gongkai site import`): the site's entries of the old deployment's chain, each with its
-- original sequence number and hashes, grouped by the segment digest that the importing
-- `site.import` entry of this deployment's own chain records (so the segment cannot be changed
-- here without the change showing).

CREATE TABLE imported_audit (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    segment TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL DEFAULT ''
);
CREATE INDEX imported_audit_site ON imported_audit (site_id, segment, seq);
