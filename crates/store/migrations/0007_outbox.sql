-- Mail waiting to be sent (the outbox), written in the same transaction as the event that
-- causes it and sent by the background sender with retries. The row holds the mail as it was
-- composed at the time; sent and failed rows stay as the record of what was sent.
CREATE TABLE outbox (
    id {{ID}},
    -- The site whose event caused the mail (back-office lists are cut to a site).
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    -- What the mail is about, e.g. an application's or a message's tracking code.
    topic TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- pending, sent or failed.
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    -- The sender that holds the row while it sends (a claim lasts until next_attempt_at).
    claim TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_site ON outbox (site_id, status);

-- Whether the change feed was told that a published record became public. An approval for a
-- later time sets 0; the scheduler sets 1 in the same transaction as the record's `published`
-- feed row once the time has passed. Everything else (published at once, imported) is 1.
ALTER TABLE records ADD COLUMN publication_announced BIGINT NOT NULL DEFAULT 1;
