import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../src/store/sqlite/database';
import { QUEUE_DUE } from '../../../src/store/sqlite/sqlite-read-model';

const MIGRATIONS = path.join(__dirname, '../../../src/store/sqlite/migrations');

/**
 * The queue's first screen reads the first rows of incidents_queue (migration 016) in its order:
 * no sort of every active incident. SQLite uses an expression index only for the same expression,
 * so the read model's QUEUE_DUE must stay the migration's word for word.
 */
describe('the queue order index', () => {
  test("the queue's listing walks the index in order, with no sort, filtered or not", () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    for (const where of ["status <> 'resolved'", "status <> 'resolved' AND health_model = 'shop'", "status <> 'resolved' AND priority IN ('P1', 'P2')"]) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN SELECT id, title FROM incidents INDEXED BY incidents_queue WHERE ${where} ORDER BY priority, ${QUEUE_DUE}, id LIMIT 50`)
        .all() as { detail: string }[];
      const text = plan.map((p) => p.detail).join('\n');
      expect(text).toContain('incidents_queue');
      expect(text).not.toContain('TEMP B-TREE');
    }
    db.close();
  });
});
