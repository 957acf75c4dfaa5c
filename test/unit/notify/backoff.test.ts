import { backoffDelayMs, parseRetryAfterMs } from '../../../src/notify/backoff';
import { outcomeOfStatus } from '../../../src/notify/http-outcome';

describe('backoff', () => {
  const policy = { initialMs: 5_000, maxMs: 600_000 };
  test.each([
    [1, 5_000],
    [2, 10_000],
    [5, 80_000],
    [20, 600_000],
  ])('attempt %d has a ceiling of %d ms (full jitter below it)', (attempt, ceiling) => {
    expect(backoffDelayMs(attempt, policy, () => 0.999999)).toBe(Math.floor(0.999999 * ceiling));
    expect(backoffDelayMs(attempt, policy, () => 0)).toBe(1000);
    expect(backoffDelayMs(attempt, policy, () => 0.5)).toBe(Math.max(1000, Math.floor(ceiling / 2)));
  });

  test.each([
    ['120', 120_000],
    ['1.5', 1_500],
    [30, 30_000],
    ['Sun, 22 Nov 2026 20:02:00 GMT', 120_000],
    ['soon', null],
    [undefined, null],
  ])('Retry-After %j is %j ms', (value, expected) => {
    expect(parseRetryAfterMs(value, Date.parse('2026-11-22T20:00:00Z'))).toBe(expected);
  });
});

describe('the HTTP status table every HTTP channel shares', () => {
  test.each([
    [200, 'ok'],
    [201, 'ok'],
    [204, 'ok'],
    [400, 'dead'],
    [401, 'dead'],
    [403, 'dead'],
    [404, 'dead'],
    [408, 'retry'],
    [409, 'dead'],
    [422, 'dead'],
    [425, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
  ])('%d -> %s', (status, expected) => {
    const o = outcomeOfStatus(status, status === 429 ? 7_000 : null, 'x');
    expect(o.ok ? 'ok' : o.retryable ? 'retry' : 'dead').toBe(expected);
    if (status === 429 && !o.ok) expect(o.retryAfterMs).toBe(7_000);
  });
});
