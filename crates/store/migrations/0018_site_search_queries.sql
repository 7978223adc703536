-- 热门搜索 per site (集约化): each site lists what its own visitors search for. The counts kept so
-- far go to the first site, the one every deployment had before there were several.
CREATE TABLE site_search_queries (
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    query TEXT NOT NULL,
    hits BIGINT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (site_id, query)
);

INSERT INTO site_search_queries (site_id, query, hits, last_at)
SELECT (SELECT MIN(id) FROM organisations WHERE parent_id IS NULL), query, hits, last_at
FROM search_queries
WHERE EXISTS (SELECT 1 FROM organisations WHERE parent_id IS NULL);

DROP TABLE search_queries;
