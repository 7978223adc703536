-- The files an office releases with its reply (the information disclosed, 予以公开 / 部分公开).
-- Only the applicant downloads them, from the status page after the lookup; they are kept apart
-- from the applicant's own files (application_files: proofs and the files of an online 补正).
CREATE TABLE application_reply_files (
    id {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX application_reply_files_app ON application_reply_files (application_id);
