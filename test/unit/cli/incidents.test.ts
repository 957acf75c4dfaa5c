import { PassThrough } from 'node:stream';
import { ApiError } from '../../../src/cli/api-client';
import { describeApiError, runIncidents } from '../../../src/cli/incidents';
import { renderIncidentSummary, renderIncidentTable } from '../../../src/cli/render-incidents';
import type { IncidentJson } from '../../../src/cli/render-incidents';
import { FakeClock } from '../../helpers/fake-clock';

// Nothing listens on port 9 of loopback in a test; a usage error must not get as far as asking.
const NOWHERE = { INCIDENT_BRIDGE_URL: 'http://127.0.0.1:9', INCIDENT_BRIDGE_TOKEN: 'secret-token-0123' };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const code = await runIncidents(args, { stdout, stderr, env: NOWHERE, clock: new FakeClock() });
  const read = (s: PassThrough) => (s.read() as Buffer | null)?.toString('utf8') ?? '';
  return { code, out: read(stdout), err: read(stderr) };
}

describe('incident-bridge incidents: usage', () => {
  test.each([
    [[], 'a command is missing'],
    [['snooze', '1'], 'unknown command "snooze"'],
    [['show'], 'ID missing'],
    [['show', 'twelve'], 'ID must be an incident\'s number, not "twelve"'],
    [['show', '1', '2'], 'unexpected argument "2"'],
    [['assign', '1'], 'PERSON missing'],
    [['comment', '1'], 'TEXT missing'],
    [['comment', '1', 'words', '--note', 'and a note'], 'give the text either as words or with --note, not both'],
    [['escalate', '1', '--line', 'L2'], '--note is required'],
    [['resolve', '1'], '--note is required'],
    [['pause', '1'], '--reason is required'],
    [['ack', '1', '--reason', 'x'], "Unknown option '--reason'"],
    [['list', '--format', 'yaml'], '--format must be text or json, not "yaml"'],
    [['list', '--url', 'ftp://example.net'], '--url "ftp://example.net" must start with http:// or https://'],
    [['list', '--token', 'abc'], 'there is no --token: the token comes from INCIDENT_BRIDGE_TOKEN'],
  ])('%j: exit 2 with "%s" and the usage', async (args, message) => {
    const { code, out, err } = await cli(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`incident-bridge incidents: ${message}\nusage: incident-bridge incidents COMMAND`);
  });

  test('--help prints the usage on stdout, for the command and for each subcommand', async () => {
    for (const args of [['--help'], ['help'], ['resolve', '--help']]) {
      const { code, out } = await cli(args);
      expect(code).toBe(0);
      expect(out).toMatch(/^usage: incident-bridge incidents COMMAND \[--url URL\] \[--format text\|json\]\n {2}list /);
    }
  });

  test('an error answer: the code and message, each bad field, or the detail in brackets', () => {
    expect(describeApiError(new ApiError(400, 'invalid_body', 'invalid escalate body', [{ path: 'line', message: 'must be one of L1, L2, L3' }, { path: 'note', message: 'must not be empty' }]), true)).toBe(
      'invalid_body: invalid escalate body\n  line: must be one of L1, L2, L3\n  note: must not be empty\n',
    );
    expect(describeApiError(new ApiError(403, 'forbidden', 'the role viewer may not do this; it needs responder', { role: 'viewer', required: 'responder' }), true)).toBe(
      'forbidden: the role viewer may not do this; it needs responder (role: viewer, required: responder)\n',
    );
  });
});

describe('incident-bridge incidents: what a person sees', () => {
  const incident: IncidentJson = {
    id: 7,
    status: 'acknowledged',
    priority: 'P1',
    line: 'L2',
    assignee: 'boris',
    healthModel: 'online-shop',
    metric: 'checkout-available',
    title: `Checkout \u001b[2Jis down${' and more'.repeat(10)}`,
    openedAt: '2025-03-18T08:00:00Z',
    paused: true,
  };

  test('without a terminal the title is cut at 60 characters; control characters never reach the output', () => {
    const [header, row] = renderIncidentTable([incident], Date.parse('2025-03-18T09:00:00Z')).split('\n') as [string, string];
    expect(header).toBe('ID  STATUS                 PRI  LINE  ASSIGNEE  AGE  HEALTH MODEL/METRIC             TITLE');
    expect(row.startsWith('7   acknowledged (paused)  P1   L2    boris     1h   online-shop/checkout-available  Checkout  [2Jis down and more')).toBe(true);
    expect(row.slice(header.indexOf('TITLE'))).toHaveLength(60);
    expect(row).not.toContain('\u001b');
  });

  test('the line after an action names the status, priority, line, assignee and a pause', () => {
    expect(renderIncidentSummary({ ...incident, title: 'Checkout is down' })).toBe('incident 7 acknowledged (P1, L2, assignee boris, paused): Checkout is down\n');
  });
});
