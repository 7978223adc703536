-- The datastore's loads in progress: one row per resource a node is loading into its table, so
-- two nodes never load the same file at once (the row is the claim; a row whose heartbeat
-- stopped over ten minutes ago is taken over), and pages can show how far the load has come.
CREATE TABLE datastore_loads (
    resource_id BIGINT PRIMARY KEY,
    -- A random token of the claim: only its holder notes progress or ends it.
    owner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    bytes_total BIGINT NOT NULL DEFAULT 0,
    bytes_done BIGINT NOT NULL DEFAULT 0,
    rows_done BIGINT NOT NULL DEFAULT 0
);
