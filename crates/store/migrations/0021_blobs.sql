-- Uploaded files' bytes in the database, for PostgreSQL deployments whose nodes share no folder
-- (集约化, several nodes): one row per blob, its bytes in pieces of 1 MiB. SQLite deployments
-- keep their blobs in the data folder and leave these tables empty.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    chunks BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE blob_chunks (
    sha256 TEXT NOT NULL,
    seq BIGINT NOT NULL,
    bytes {{BYTES}} NOT NULL,
    PRIMARY KEY (sha256, seq)
);
