-- A milestone may be a tally: "28 of the 30 members had ratified by this day" (the count;
-- NULL for other milestones). The status reasons from it (domain/status.py).
ALTER TABLE milestones ADD COLUMN ratified_count INTEGER;
