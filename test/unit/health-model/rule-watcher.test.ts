import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/core/logger';
import { RuleWatcher } from '../../../src/health-model/rule-watcher';

/** Polls up to 2 s (the reload bound of the issue) for `done`. */
async function within2s(done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > 2000) throw new Error('not within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RuleWatcher', () => {
  let root: string;
  let dir: string;
  let watcher: RuleWatcher;
  let calls: number;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-watch-'));
    dir = path.join(root, 'rules');
    mkdirSync(dir);
    calls = 0;
    watcher = new RuleWatcher({ dir, logger: createLogger({ silent: true }), onChange: () => calls++, debounceMs: 80, retryMs: 100 });
  });
  afterEach(() => {
    watcher.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a burst of writes and a rename is one reload', async () => {
    watcher.start();
    writeFileSync(path.join(dir, '.a.yaml.tmp'), 'name: a\n');
    writeFileSync(path.join(dir, '.a.yaml.tmp'), 'name: a\nowner: x\n');
    renameSync(path.join(dir, '.a.yaml.tmp'), path.join(dir, 'a.yaml'));
    await within2s(() => calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
  });

  test('a deleted directory is watched again once it is back', async () => {
    watcher.start();
    rmSync(dir, { recursive: true });
    await within2s(() => calls >= 1);
    const afterDelete = calls;
    mkdirSync(dir);
    await within2s(() => calls > afterDelete);
    const afterCreate = calls;
    writeFileSync(path.join(dir, 'b.yaml'), 'name: b\n');
    await within2s(() => calls > afterCreate);
  });

  test('a directory missing at start is picked up later; stop cancels everything', async () => {
    rmSync(dir, { recursive: true });
    expect(() => watcher.start()).not.toThrow();
    mkdirSync(dir);
    await within2s(() => calls >= 1);
    watcher.stop();
    const stopped = calls;
    writeFileSync(path.join(dir, 'c.yaml'), 'name: c\n');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls).toBe(stopped);
  });
});
