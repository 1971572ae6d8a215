-- The members a process's own data names as required to ratify (a data package's members
-- table): they stand for the organization's member list on the signature day, which an
-- organization without a member file does not have.
CREATE TABLE required_members (
    id {ID},
    {SCOPE},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    {LINES},
    source_url TEXT,
    source_quote TEXT
);
CREATE INDEX required_members_process ON required_members (process_slug);
CREATE INDEX required_members_document ON required_members (document_sha);
