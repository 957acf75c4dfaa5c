import { PassThrough } from 'node:stream';
import { runSilence } from '../../../src/cli/silence';
import { renderSilenceTable } from '../../../src/cli/render-silences';
import { FakeClock } from '../../helpers/fake-clock';

// Nothing listens on port 9 of loopback in a test; a usage error must not get as far as asking.
const NOWHERE = { INCIDENT_BRIDGE_URL: 'http://127.0.0.1:9', INCIDENT_BRIDGE_TOKEN: 'secret-token-0123' };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const code = await runSilence(args, { stdout, stderr, env: NOWHERE, clock: new FakeClock() });
  const read = (s: PassThrough) => (s.read() as Buffer | null)?.toString('utf8') ?? '';
  return { code, out: read(stdout), err: read(stderr) };
}

const add = ['add', '--matcher', 'alertname="DiskFull"', '--comment', 'disks'];

describe('incident-bridge silence: usage', () => {
  test.each([
    [[], 'a command is missing'],
    [['mute'], 'unknown command "mute"'],
    [['expire'], 'ID missing'],
    [['expire', 'a', 'b'], 'unexpected argument "b"'],
    [['list', 'x'], 'unexpected argument "x"'],
    [['add', '--duration', '1h', '--comment', 'x'], '--matcher is required'],
    [['add', '--matcher', 'a="b"', '--duration', '1h'], '--comment is required'],
    [add, 'give either --duration or --end'],
    [[...add, '--duration', '1h', '--end', '2026-05-04T12:00:00Z'], 'give either --duration or --end'],
    [[...add, '--duration', 'an hour'], '--duration: "an hour" is not a duration (e.g. 90m, 2h, 1d)'],
    [[...add, '--end', '2026-05-04T12:00'], '--end: "2026-05-04T12:00" is not an ISO 8601 time with an offset (e.g. 2026-05-04T18:00:00Z)'],
    [[...add, '--duration', '1h', '--start', 'now'], '--start: "now" is not an ISO 8601 time with an offset'],
    [['list', '--status', 'active'], "Unknown option '--status'"],
    [['list', '--format', 'yaml'], '--format must be text or json, not "yaml"'],
    [['list', '--token', 'abc'], 'there is no --token: the token comes from INCIDENT_BRIDGE_TOKEN'],
    [['list', '--url', 'ftp://example.net'], '--url "ftp://example.net" must start with http:// or https://'],
  ])('%j: exit 2 with "%s" and the usage', async (args, message) => {
    const { code, out, err } = await cli(args);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(`incident-bridge silence: ${message}`);
    expect(err).toContain('\nusage: incident-bridge silence COMMAND');
  });

  test('--help prints the usage on stdout, for the command and for each subcommand', async () => {
    for (const args of [['--help'], ['help'], ['add', '--help']]) {
      const { code, out } = await cli(args);
      expect(code).toBe(0);
      expect(out).toMatch(/^usage: incident-bridge silence COMMAND \[--url URL\] \[--format text\|json\]\n {2}add --matcher TEXT/);
    }
  });

  test('an unreachable daemon exits 1 saying so', async () => {
    const run = await cli([...add, '--duration', '1h']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^cannot reach incident-bridge at http:\/\/127\.0\.0\.1:9: /);
  });
});

test('the table cuts the comment to the terminal width and cleans control characters', () => {
  const silence = { id: 'id-1', matchers: ['a="b"'], startsAt: '2026-05-04T10:00:00Z', endsAt: '2026-05-04T12:00:00Z', createdBy: 'anna', comment: `line one\nline two ${'x'.repeat(100)}`, createdAt: '2026-05-04T10:00:00Z', status: 'active' };
  const [, row] = renderSilenceTable([silence], 110).split('\n');
  expect(row).toHaveLength(110);
  expect(row).toMatch(/ {2}line one line two x+…$/);
});
