-- What changed in the record each time a source's version was imported (sync, the Atom
-- feed): one row a version, its lines as a JSON list. Versions imported before this
-- migration get a row without lines.
CREATE TABLE changes (
    id {ID},
    change_key TEXT NOT NULL UNIQUE,
    process_slug TEXT NOT NULL REFERENCES processes (slug),
    document_sha TEXT NOT NULL REFERENCES documents (sha256),
    previous_sha TEXT,
    source_key TEXT NOT NULL,
    path TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    lines TEXT NOT NULL
);
CREATE INDEX changes_by_process ON changes (process_slug, at);
INSERT INTO changes (change_key, process_slug, document_sha, previous_sha, source_key, path, at, action, lines)
    SELECT sha256 || '@' || imported_at, process_slug, sha256, NULL, source_key, path, imported_at, 'imported', '[]'
    FROM documents WHERE superseded_by IS NULL;
