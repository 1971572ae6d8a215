-- Data packages cite a source on every row: polls and party positions keep it too. A
-- member's act may be a correction, which supersedes its other acts of the same kind
-- (they stay on record).
ALTER TABLE polls ADD COLUMN source_url TEXT;
ALTER TABLE polls ADD COLUMN source_quote TEXT;
ALTER TABLE party_positions ADD COLUMN source_url TEXT;
ALTER TABLE party_positions ADD COLUMN source_quote TEXT;
ALTER TABLE acts ADD COLUMN correction INTEGER NOT NULL DEFAULT 0;
