-- Silences made through the API: the alerts their matchers cover are quiet from starts_at until
-- ends_at (epoch ms). DELETE ends one early: expired_at is that moment and ends_at moves to it.
CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,          -- JSON array of Alertmanager matcher texts, as written
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expired_at INTEGER
);
-- In force (ends_at > now), the next end, the listing and pruning go by the end; the next start by the start.
CREATE INDEX silences_by_end ON silences (ends_at);
CREATE INDEX silences_by_start ON silences (starts_at);
