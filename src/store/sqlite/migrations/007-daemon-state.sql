-- Small durable values the daemon keeps between runs, written in the same transaction as the
-- change they belong to: a chat bot's update offset, the resolution prompts it is waiting on.
CREATE TABLE daemon_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
