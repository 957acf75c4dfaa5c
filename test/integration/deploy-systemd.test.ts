import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The service unit in deploy/systemd, checked by systemd's own tools (systemd-analyze, which CI
 * installs with Debian's systemd): it parses without a warning, and its sandbox scores as a
 * well-protected service (`security --offline`). The daemon is not started under systemd here;
 * the test also holds the unit and the sysusers file to each other and to the daemon's options.
 */
const DEPLOY = path.join(__dirname, '../../deploy/systemd');
const UNIT = path.join(DEPLOY, 'incident-bridge.service');
/** systemd-analyze's exposure scale: 0 (locked down) to 10 (none); under 2 is "OK", the best band. */
const MAX_EXPOSURE = 2.0;

/** The values of a directive in the unit file, in order. */
function directive(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}=`))
    .map((line) => line.slice(name.length + 1));
}

describe('deploy/systemd/incident-bridge.service', () => {
  let dir: string;
  let unitCopy: string;
  const text = readFileSync(UNIT, 'utf8');

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ib-systemd-'));
    unitCopy = path.join(dir, 'incident-bridge.service');
    // verify checks that ExecStart's program exists: point it at this machine's node.
    writeFileSync(unitCopy, text.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('systemd-analyze verify accepts it without a warning', () => {
    const run = spawnSync('systemd-analyze', ['verify', unitCopy], { encoding: 'utf8' });
    if (run.error) throw new Error(`systemd-analyze could not run (CI installs Debian's systemd): ${run.error.message}`);
    expect({ status: run.status, stderr: run.stderr.trim(), stdout: run.stdout.trim() }).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  test(`its sandbox's exposure, by systemd-analyze security, is at most ${MAX_EXPOSURE}`, () => {
    const out = execFileSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', unitCopy], { encoding: 'utf8' });
    const level = /Overall exposure level for incident-bridge\.service: (\d+(?:\.\d+)?)/.exec(out);
    expect(level).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  test('a dedicated user, no privileges, and the store the only writable path', () => {
    expect(directive(text, 'User')).toEqual(['incident-bridge']);
    expect(directive(text, 'NoNewPrivileges')).toEqual(['yes']);
    expect(directive(text, 'CapabilityBoundingSet')).toEqual(['']);
    expect(directive(text, 'ProtectSystem')).toEqual(['strict']);
    expect(directive(text, 'ReadWritePaths')).toEqual([]);
    const [state] = directive(text, 'StateDirectory');
    const exec = directive(text, 'ExecStart')[0] ?? '';
    // The store the daemon opens is in the state directory systemd creates and makes writable.
    expect(/ --db (\S+)/.exec(exec)?.[1]).toBe(`/var/lib/${state}/incident-bridge.db`);
    expect(exec).toMatch(/ serve --config \/etc\/incident-bridge\/incident-bridge\.yaml /);
    // V8 compiles code at run time: memory that is written and then executed must stay allowed.
    expect(directive(text, 'MemoryDenyWriteExecute')).toEqual([]);
  });

  test('the sysusers file creates the user the unit runs as', () => {
    const lines = readFileSync(path.join(DEPLOY, 'incident-bridge.sysusers.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines).toHaveLength(1);
    const [type, name, , , home] = lines[0]!.match(/"[^"]*"|\S+/g) ?? [];
    expect({ type, name, home }).toEqual({ type: 'u', name: directive(text, 'User')[0], home: `/var/lib/${directive(text, 'StateDirectory')[0]}` });
  });
});
