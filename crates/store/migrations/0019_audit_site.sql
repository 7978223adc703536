-- Each audit entry knows the site it belongs to (集约化), so a county's staff read only their own
-- site's entries. The column is outside the hash chain: entries hash as they always did. The
-- entries written so far get their site by the rules `store::audit` applies to new ones: the
-- changed object's site, else the acting member of staff's. The rest belong to the platform (NULL).
ALTER TABLE audit_log ADD COLUMN site_id BIGINT REFERENCES organisations (id);

-- A site's theme tree, its negative list and an organisation's guide name the organisation by
-- id, every other organisation entry by its organ code. An annual report is `<organ code>-<year>`,
-- and a per-site setting's key names its site's (or an organisation's) code: `icp.ATS001`,
-- `letter_template.ATS001.reply.1`, `review_body.WQX004`.
UPDATE audit_log SET site_id = CASE
    WHEN object_type = 'record' THEN
        (SELECT r.site_id FROM records r WHERE r.id = CAST(audit_log.object_id AS BIGINT))
    WHEN object_type = 'consultation' THEN
        (SELECT c.site_id FROM consultations c WHERE c.id = CAST(audit_log.object_id AS BIGINT))
    WHEN object_type = 'opinion_event' THEN
        (SELECT e.site_id FROM opinion_events e WHERE e.id = CAST(audit_log.object_id AS BIGINT))
    WHEN object_type = 'outbox' THEN
        (SELECT m.site_id FROM outbox m WHERE m.id = CAST(audit_log.object_id AS BIGINT))
    WHEN object_type = 'application' THEN
        (SELECT a.site_id FROM applications a WHERE a.tracking_code = audit_log.object_id)
    WHEN object_type = 'message' THEN
        (SELECT m.site_id FROM messages m WHERE m.tracking_code = audit_log.object_id)
    WHEN object_type = 'user' THEN
        (SELECT o.site_id FROM users u JOIN organisations o ON o.id = u.org_id
         WHERE u.username = audit_log.object_id)
    WHEN object_type = 'organisation'
         AND action IN ('theme.add', 'theme.rename', 'negative_term.add', 'guide.save') THEN
        (SELECT o.site_id FROM organisations o WHERE o.id = CAST(audit_log.object_id AS BIGINT))
    WHEN object_type = 'organisation' THEN
        (SELECT o.site_id FROM organisations o WHERE o.code = audit_log.object_id)
    WHEN object_type = 'annual_report' THEN
        (SELECT MIN(o.site_id) FROM organisations o
         WHERE audit_log.object_id LIKE o.code || '-____')
    WHEN object_type = 'setting' THEN
        (SELECT MIN(o.site_id) FROM organisations o
         WHERE audit_log.object_id LIKE '%.' || o.code
            OR audit_log.object_id LIKE '%.' || o.code || '.%')
END
WHERE object_type IN ('record', 'consultation', 'opinion_event', 'outbox', 'application',
    'message', 'user', 'organisation', 'annual_report', 'setting');

UPDATE audit_log SET site_id =
    (SELECT o.site_id FROM users u JOIN organisations o ON o.id = u.org_id
     WHERE u.username = audit_log.actor)
WHERE site_id IS NULL AND actor NOT IN ('public', 'system');

CREATE INDEX audit_log_site ON audit_log (site_id, seq);
