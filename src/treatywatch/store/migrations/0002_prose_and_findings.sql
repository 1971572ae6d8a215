-- Events read from the prose, acts' origin (table or prose), and the checks' findings.
ALTER TABLE acts ADD COLUMN origin TEXT NOT NULL DEFAULT 'table';

CREATE TABLE prose_events (
    id {ID},
    {SCOPE},
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    date TEXT NOT NULL,
    qualifier TEXT,
    date_text TEXT NOT NULL,
    sentence TEXT NOT NULL,
    member_code TEXT,
    line INTEGER NOT NULL,
    {INFERENCE}
);

CREATE TABLE findings (
    id {ID},
    finding_id TEXT NOT NULL,
    {SCOPE},
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    evidence TEXT NOT NULL,
    fix TEXT NOT NULL,
    {LINES},
    related TEXT NOT NULL
);
