-- What people search for, to show 热门搜索 on empty and no-result pages.
CREATE TABLE search_queries (
    query TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    last_at TEXT NOT NULL
);
