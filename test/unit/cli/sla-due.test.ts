import path from 'node:path';
import { Writable } from 'node:stream';
import { runSla } from '../../../src/cli/sla';
import { REPO_DIR } from '../../helpers/fixtures';

const CONFIG = path.join(REPO_DIR, 'config/incident-bridge.yaml');

function sla(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        write(chunk.toString());
        done();
      },
    });
  const code = runSla(args, sink((s) => (out += s)), sink((s) => (err += s))) as number;
  return { code, out, err };
}

describe('incident-bridge sla due', () => {
  test.each([
    // Thu 24 Dec 16:30 CET: 1h30 that day, Christmas and a weekend, then Monday 09:00 + 2h30.
    ['office-nl', '2026-12-24T16:30:00+01:00', '4h', '2026-12-28T10:30:00.000Z'],
    ['office-nl', '2026-12-24T15:30:00Z', '4h', '2026-12-28T10:30:00.000Z'],
    ['24x7', '2026-12-24T16:30:00+01:00', '15m', '2026-12-24T15:45:00.000Z'],
  ])('%s from %s + %s prints %s and exits 0', (calendar, from, duration, expected) => {
    expect(sla(['due', '--config', CONFIG, '--calendar', calendar, '--from', from, '--duration', duration])).toEqual({ code: 0, out: `${expected}\n`, err: '' });
  });

  test.each([
    ['an unknown calendar', ['--calendar', 'office-mars', '--from', '2026-12-24T16:30:00Z', '--duration', '4h'], /unknown calendar "office-mars" \(calendars: 24x7, office-nl\)/],
    ['a time without an offset', ['--calendar', 'office-nl', '--from', '2026-12-24T16:30:00', '--duration', '4h'], /is not an ISO 8601 time with an offset/],
    ['a time that is not one', ['--calendar', 'office-nl', '--from', 'Christmas Eve', '--duration', '4h'], /is not an ISO 8601 time with an offset/],
    ['a bad duration', ['--calendar', 'office-nl', '--from', '2026-12-24T16:30:00Z', '--duration', 'four hours'], /is not a duration/],
  ])('%s exits 1 with a message', (_what, args, message) => {
    const r = sla(['due', '--config', CONFIG, ...args]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  test('a usage error exits 2', () => {
    expect(sla(['due', '--config', CONFIG, '--calendar', 'office-nl']).code).toBe(2);
    expect(sla(['later']).code).toBe(2);
  });
});
