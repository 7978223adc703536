-- What screening found in a consultation comment when it was sent (JSON list of findings,
-- numbers already masked), shown to the moderator; and each organisation's public contact
-- phone, which public pages never mask.
ALTER TABLE consultation_comments ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organisations ADD COLUMN public_phone TEXT NOT NULL DEFAULT '';
