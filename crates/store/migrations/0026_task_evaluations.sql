-- Results evaluations of key tasks (第三方评估, 满意度调查): who evaluated, when, the published
-- conclusion and, if given, the published record of the full report.
CREATE TABLE task_evaluations (
    id {{ID}},
    task_id BIGINT NOT NULL REFERENCES tasks (id),
    kind TEXT NOT NULL,
    evaluator TEXT NOT NULL,
    concluded_on TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    record_id BIGINT REFERENCES records (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX task_evaluations_task ON task_evaluations (task_id);
