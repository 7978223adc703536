-- 社会评议: a period's scorecard summary published by the openness office for the public to
-- rate (`summary`: JSON, each organisation by its code with its total and indicator scores,
-- frozen when published), and the public's evaluations of each organisation (each item 1–5,
-- an optional comment shown only once staff approve it).
CREATE TABLE evaluation_rounds (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    period TEXT NOT NULL,
    summary TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (site_id, period)
);

CREATE TABLE evaluation_responses (
    id {{ID}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    timely BIGINT NOT NULL,
    complete BIGINT NOT NULL,
    responsive BIGINT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    comment_status TEXT NOT NULL,
    moderated_by TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX evaluation_responses_round ON evaluation_responses (round_id, org_id);
-- The scorecards count a site's applications answered or due in a period.
CREATE INDEX applications_site_replied ON applications (site_id, replied_on);
CREATE INDEX applications_site_due ON applications (site_id, due_on);
