-- Many sites on one deployment (集约化): every organisation knows the site (root government) it
-- belongs to, so a public page can refuse another site's organisation with one indexed lookup;
-- and a site answers for the host names listed here (the default site answers any other host).
ALTER TABLE organisations ADD COLUMN site_id BIGINT REFERENCES organisations (id);

WITH RECURSIVE tree (id, root) AS (
    SELECT id, id FROM organisations WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, t.root FROM organisations o JOIN tree t ON o.parent_id = t.id
)
UPDATE organisations SET site_id = (SELECT t.root FROM tree t WHERE t.id = organisations.id);

CREATE INDEX organisations_site ON organisations (site_id);

CREATE TABLE site_hosts (
    host TEXT PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL
);
CREATE INDEX site_hosts_site ON site_hosts (site_id);
