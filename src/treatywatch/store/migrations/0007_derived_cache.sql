-- Derived results (poll averages, forecasts, charts) computed once and kept: one row per
-- process, fingerprint of the store's current documents, kind, as-of day and code version.
-- A new document version changes the fingerprint, so old rows are never read again (and are
-- deleted by the next write for the process). The value is JSON.
CREATE TABLE derived_cache (
    process_slug TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL,
    as_of TEXT NOT NULL,
    code_version TEXT NOT NULL,
    value TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (process_slug, fingerprint, kind, as_of, code_version)
)
