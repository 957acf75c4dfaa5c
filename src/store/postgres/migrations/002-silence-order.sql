-- The silences' order of creation, which SQLite keeps in its rowid: listings break ties of
-- created_at by it (the later created is the newer). PostgreSQL has no rowid, so it is a column.
ALTER TABLE silences ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE INDEX silences_by_creation ON silences (created_at, seq);
