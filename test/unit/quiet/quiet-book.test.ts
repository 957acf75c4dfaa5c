import { QuietBook } from '../../../src/quiet/quiet-book';

const T = Date.parse('2026-12-01T10:00:00Z');
const H = 3_600_000;

describe('the quiet book: what covers an alert now', () => {
  const book = new QuietBook([]);
  book.setSilences([
    { id: 'newest-db', matchers: ['alertname="HostDown"', 'instance=~"db-.*"'], startsAt: T, endsAt: T + H },
    { id: 'web-1', matchers: ['instance="web-1:9100"'], startsAt: T, endsAt: T + H },
    { id: 'no-equality', matchers: ['job=~"batch|cron"'], startsAt: T, endsAt: T + 2 * H },
    { id: 'pending', matchers: ['alertname="DiskFull"'], startsAt: T + H, endsAt: T + 2 * H },
    { id: 'older-db', matchers: ['alertname="HostDown"'], startsAt: T - H, endsAt: T + 3 * H },
  ]);
  test.each([
    [{ alertname: 'HostDown', instance: 'db-1:9100' }, T, 'newest-db'],
    [{ alertname: 'HostDown', instance: 'web-2:9100' }, T, 'older-db'],
    [{ alertname: 'HostDown', instance: 'db-1:9100' }, T + H, 'older-db'],
    [{ alertname: 'Other', instance: 'web-1:9100' }, T + H - 1, 'web-1'],
    [{ alertname: 'Other', instance: 'web-1:9100' }, T + H, null],
    [{ alertname: 'Other', job: 'cron' }, T, 'no-equality'],
    [{ alertname: 'DiskFull' }, T, null],
    [{ alertname: 'DiskFull' }, T + H, 'pending'],
    [{ alertname: 'HostDown' }, T + 3 * H, null],
  ])('%o at %s: %s', (labels, now, id) => {
    expect(book.coverFor(labels, 'shop', now)).toEqual(id === null ? null : { by: 'silence', name: id });
  });

  test('the next edge of the silences', () => {
    expect([T - 2 * H, T, T + H, T + 2 * H].map((t) => book.nextEdge(t))).toEqual([T - H, T + H, T + 2 * H, T + 3 * H]);
  });
});
