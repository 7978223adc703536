-- Audit results (审计结果) and 督查 notices, each with findings: a responsible organisation, a
-- rectification deadline, measures, evidence (in words or a linked record), accountability
-- and a status (未整改 / 整改中 / 已整改) published as the work goes.
CREATE TABLE audit_reports (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    record_id BIGINT REFERENCES records (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX audit_reports_site ON audit_reports (site_id, year);

CREATE TABLE findings (
    id {{ID}},
    audit_report_id BIGINT NOT NULL REFERENCES audit_reports (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    measures TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    evidence_record_id BIGINT REFERENCES records (id),
    accountability TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX findings_report ON findings (audit_report_id);
