import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One numbered migration of a store: `NNN-name.sql`, its version the name without `.sql`. */
export interface MigrationFile {
  version: string;
  file: string;
  /** The file's SQL, read when asked for. */
  sql(): string;
}

/** The numbered migrations in `dir` not in `done`, in number order. */
export function pendingMigrations(dir: string, done: ReadonlySet<string>): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d+-.+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: file.replace(/\.sql$/, ''), file, sql: () => readFileSync(path.join(dir, file), 'utf8') }))
    .filter((m) => !done.has(m.version));
}
