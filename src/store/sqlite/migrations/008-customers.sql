-- The customer whose application an incident concerns, and whether its resolution note may be told to it.
ALTER TABLE incidents ADD COLUMN customer TEXT;
ALTER TABLE incidents ADD COLUMN resolution_public INTEGER NOT NULL DEFAULT 0;
CREATE INDEX incidents_by_customer ON incidents (customer, id) WHERE customer IS NOT NULL;
-- What a notification says beyond the incident itself: the text of a public update.
ALTER TABLE notifications ADD COLUMN payload TEXT;
