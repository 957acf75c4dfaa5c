import { parseSilenceSpec, silenceMatchers, silenceStatus } from '../../../src/incidents/silence-schema';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const HOUR = 3_600_000;

describe('parseSilenceSpec', () => {
  test('a single text is a list of one; the start defaults to now; the comment is trimmed', () => {
    expect(parseSilenceSpec({ matchers: 'job="api", env="prod"', endsAt: '2026-05-04T11:00:00Z', comment: ' deploy\n', extra: 1 }, NOW)).toEqual({
      spec: { matchers: ['job="api", env="prod"'], startsAt: NOW, endsAt: NOW + HOUR, comment: 'deploy' },
    });
  });

  test('a start in the past is now; a later one is kept, with any offset', () => {
    const spec = (startsAt: string) => parseSilenceSpec({ matchers: ['a="b"'], startsAt, endsAt: '2026-05-05T00:00:00Z', comment: 'c' }, NOW);
    expect(spec('2026-05-04T09:00:00Z')).toMatchObject({ spec: { startsAt: NOW } });
    expect(spec('2026-05-04T13:30:00.5+02:00')).toMatchObject({ spec: { startsAt: NOW + 90 * 60_000 + 500 } });
  });

  test('matchers that need a label to be set do not match everything, even beside ones that do', () => {
    const ok = (matchers: string[]) => 'spec' in parseSilenceSpec({ matchers, endsAt: '2026-05-04T11:00:00Z', comment: 'c' }, NOW);
    expect(ok(['severity!="info"', 'job="api"'])).toBe(true);
    expect(ok(['team=~".+"'])).toBe(true);
    expect(ok(['team=~".*"', 'env!~"dev|test"'])).toBe(false);
  });
});

describe('silenceStatus', () => {
  test.each([
    [NOW - 1, 'pending'],
    [NOW, 'active'],
    [NOW + HOUR - 1, 'active'],
    [NOW + HOUR, 'expired'],
  ])('at %d: %s', (at, status) => {
    expect(silenceStatus({ startsAt: NOW, endsAt: NOW + HOUR }, at)).toBe(status);
  });

  test('a silence ended before its start is expired, not pending', () => {
    expect(silenceStatus({ startsAt: NOW + HOUR, endsAt: NOW - 1 }, NOW)).toBe('expired');
  });
});

test('silenceMatchers: every matcher of every text, in order', () => {
  expect(silenceMatchers(['{job="api", env="prod"}', 'code=~"5.."']).map((m) => m.text)).toEqual(['job="api"', 'env="prod"', 'code=~"5.."']);
});
