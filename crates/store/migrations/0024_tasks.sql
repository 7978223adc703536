-- Key tasks (重点工作 / 重大项目 / 民生实事): a lead organisation and co-operating ones, the
-- measures, milestones with Beijing due dates, progress reports reviewed before they are
-- public, linked records and the result that closes the task.
CREATE TABLE tasks (
    id {{ID}},
    site_id BIGINT NOT NULL REFERENCES organisations (id),
    lead_org_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    measures TEXT NOT NULL,
    status TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT '',
    completed_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tasks_site ON tasks (site_id, year);

CREATE TABLE task_orgs (
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (task_id, org_id)
);

CREATE TABLE task_milestones (
    id {{ID}},
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX task_milestones_task ON task_milestones (task_id, due_on);

CREATE TABLE task_reports (
    id {{ID}},
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    author_name TEXT NOT NULL,
    reviewer_name TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    published_at TEXT
);
CREATE INDEX task_reports_task ON task_reports (task_id, state);

CREATE TABLE task_records (
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    record_id BIGINT NOT NULL REFERENCES records (id),
    PRIMARY KEY (task_id, record_id)
);
