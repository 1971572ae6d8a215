-- Documents, processes and the dated records read from them.
-- {ID} is the dialect's auto-increment primary key.
CREATE TABLE documents (
    sha256 TEXT PRIMARY KEY,
    source_key TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    process_slug TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    superseded_by TEXT,
    superseded_at TEXT
);
CREATE INDEX documents_source_key ON documents (source_key);

CREATE TABLE processes (
    slug TEXT PRIMARY KEY,
    candidate_code TEXT NOT NULL,
    candidate_name TEXT NOT NULL,
    organization TEXT NOT NULL
);

CREATE TABLE milestones (
    id {ID},
    {SCOPE},
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    source_label TEXT NOT NULL,
    date TEXT NOT NULL,
    {LINES},
    {INFERENCE}
);

CREATE TABLE acts (
    id {ID},
    {SCOPE},
    member_code TEXT,
    member_name TEXT,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    instrument TEXT,
    {LINES},
    {INFERENCE}
);

CREATE TABLE polls (
    id {ID},
    {SCOPE},
    fieldwork TEXT NOT NULL,
    pollster TEXT,
    share_for TEXT NOT NULL,
    share_against TEXT NOT NULL,
    share_undecided TEXT,
    lead TEXT,
    sample_size INTEGER,
    question TEXT,
    condition TEXT,
    base TEXT NOT NULL,
    base_inferred INTEGER NOT NULL,
    {LINES}
);

CREATE TABLE relations (
    id {ID},
    {SCOPE},
    code TEXT,
    name TEXT NOT NULL,
    {LINES}
);

CREATE TABLE party_positions (
    id {ID},
    {SCOPE},
    party TEXT NOT NULL,
    position TEXT NOT NULL,
    quote TEXT NOT NULL,
    {LINES}
);

CREATE TABLE problems (
    id {ID},
    document_sha TEXT NOT NULL REFERENCES documents (sha256),
    kind TEXT NOT NULL,
    line INTEGER NOT NULL,
    message TEXT NOT NULL
);
