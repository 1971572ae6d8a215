-- A fact transcribed from a cited source keeps that source's URL and the words quoted from
-- it (the bundled reference rows do); a document keeps its origin: licence, and the days it
-- was published and retrieved (EDTF), where the source states them.
ALTER TABLE milestones ADD COLUMN source_url TEXT;
ALTER TABLE milestones ADD COLUMN source_quote TEXT;
ALTER TABLE acts ADD COLUMN source_url TEXT;
ALTER TABLE acts ADD COLUMN source_quote TEXT;
ALTER TABLE documents ADD COLUMN licence TEXT;
ALTER TABLE documents ADD COLUMN retrieved TEXT;
ALTER TABLE documents ADD COLUMN published TEXT;
