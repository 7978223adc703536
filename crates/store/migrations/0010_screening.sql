-- Screening findings of an attachment, computed once when it is stored (its text can be
-- megabytes long) and read on every view instead of screening the text again. `findings` is a
-- JSON array; `screened_with` is the fingerprint of the negative list it was screened
-- against, so a changed list screens the attachment once more. Empty: not screened yet.
ALTER TABLE attachments ADD COLUMN findings TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN screened_with TEXT NOT NULL DEFAULT '';
