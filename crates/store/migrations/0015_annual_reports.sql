-- The statutory annual report (政府信息公开工作年度报告), one per organisation and year: what staff
-- enter by hand (sections 一, 五 and 六 as prose; sections 二 and 四 as figures with their
-- sources, JSON as TEXT) and, once published, section 三 as it was counted then (JSON), so a
-- published report never changes when applications do.
CREATE TABLE annual_reports (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    entries TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    applications TEXT,
    late_reason TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    published_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, year)
);
