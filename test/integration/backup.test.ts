import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { runBackup } from '../../src/cli/backup';
import { amBody } from '../helpers/engine';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';

const alert = (instance: string) => amBody([{ labels: { alertname: 'HostDown', instance }, startsAt: '2026-05-04T09:59:00Z' }]);

/** Runs the command with its output and errors kept. */
function backup(args: string[]): { code: number; out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = runBackup(args, out, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('incident-bridge backup: an online copy of the SQLite store, checked, that a daemon restores from', () => {
  let t: TestApp;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-backup-'));
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
    t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('beside the running daemon, with a write in progress: the copy is the committed store, whole, and a daemon started on it has every incident', async () => {
    for (let n = 1; n <= 3; n++) expect((await t.post('alertmanager', alert(`web-${n}:9100`))).status).toBe(200);
    expect((await t.request('POST', '/api/v1/incidents/2/acknowledge', {})).status).toBe(200);
    // Another connection holds the write lock with an uncommitted incident: the backup neither waits for it nor copies it.
    const writer = new Database(t.dbFile);
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare("UPDATE incidents SET title = 'uncommitted' WHERE id = 1").run();
    const out = path.join(dir, 'nightly.db');
    const result = backup(['--db', t.dbFile, '--out', out]);
    writer.exec('ROLLBACK');
    writer.close();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^backed up .*incidents\\.db to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in [\\d.]+ s: 3 incidents, 3 alerts, \\d+ timeline, \\d+ notifications, \\d+ sla_due, 0 silences; schema \\d{3}-[a-z-]+, \\d+ bytes, integrity ok\\n$`));
    expect(readdirSync(dir)).toEqual(['nightly.db']);

    // Restore: the copy in place of a stopped daemon's store, and a daemon started on it.
    const before = (await t.get('/api/v1/incidents')).json;
    const restoredDir = mkdtempSync(path.join(os.tmpdir(), 'ib-restored-'));
    copyFileSync(out, path.join(restoredDir, 'incidents.db'));
    const restored = await startTestApp({ dbFile: path.join(restoredDir, 'incidents.db') });
    try {
      const after = (await restored.get('/api/v1/incidents')).json;
      expect(after).toEqual(before);
      expect((after.incidents as { id: number; title: string; status: string }[]).map((i) => [i.id, i.status])).toEqual([
        [3, 'open'],
        [2, 'acknowledged'],
        [1, 'open'],
      ]);
      expect(JSON.stringify(after)).not.toContain('uncommitted');
      // The restored store goes on: the next alert opens incident 4.
      expect((await restored.post('alertmanager', alert('web-4:9100'))).json.incidents).toEqual([4]);
    } finally {
      await restored.stop();
      restored.cleanup();
    }
  });

  test('never overwrites a file, leaves nothing behind when it cannot copy, and says why', () => {
    const taken = path.join(dir, 'taken.db');
    writeFileSync(taken, 'keep me');
    const refused = backup(['--db', t.dbFile, '--out', taken]);
    expect(refused).toMatchObject({ code: 1, out: '' });
    expect(refused.err).toContain('already exists; a backup never overwrites a file');
    expect(readdirSync(dir)).toEqual(['taken.db']);

    const missing = backup(['--db', path.join(dir, 'nowhere.db'), '--out', path.join(dir, 'copy.db')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no such store');
    expect(existsSync(path.join(dir, 'copy.db'))).toBe(false);

    expect(backup(['--db', t.dbFile]).code).toBe(2);
    expect(backup(['--db', t.dbFile, '--out', path.join(dir, 'x.db'), '--bogus']).code).toBe(2);
  });
});
