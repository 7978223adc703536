-- The datastore: CSV/XLSX resources parsed into queryable tables (issue 17). One registry row
-- per resource that has (or had) a table; the table itself, datastore_r<resource_id> with `_id`
-- and columns c0, c1 …, is created by `store::datastore::ingest` at run time, not here. No
-- foreign key to the resources: a table is rebuilt from its resource's file.
CREATE TABLE datastore_tables (
    resource_id BIGINT PRIMARY KEY,
    table_name TEXT NOT NULL,
    -- JSON list of {"id": original name, "type": "int" | "numeric" | "date" | "text"}, in
    -- column order (the n-th is column c<n>).
    fields TEXT NOT NULL,
    row_count BIGINT NOT NULL DEFAULT 0,
    -- 'active' (the table holds the last successful ingest) or 'failed' (no table).
    status TEXT NOT NULL,
    ingested_bytes BIGINT NOT NULL DEFAULT 0,
    -- The last failed ingest's message, also when an older table stayed active.
    error TEXT NOT NULL DEFAULT '',
    encoding TEXT NOT NULL DEFAULT '',
    has_header BIGINT NOT NULL DEFAULT 1,
    ragged_rows BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
