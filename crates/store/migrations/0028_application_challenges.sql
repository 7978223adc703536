-- 行政复议 and 行政诉讼 brought over an application's answer, as the handling office records
-- them; the annual report's section 四 is counted from these.

CREATE TABLE application_challenges (
    id {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    result TEXT NOT NULL,
    decided_on TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX application_challenges_app ON application_challenges (application_id);
