import { fixture, fixtureText } from '../helpers/fixtures';
import { startTestApp } from '../helpers/test-app';
import { FakeClock } from '../helpers/fake-clock';

describe('restart', () => {
  test('a restarted daemon keeps every incident, and replays after the restart change nothing', async () => {
    const clock = new FakeClock('2025-03-18T09:40:00Z');
    const first = await startTestApp({ clock });
    try {
      await first.post('alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
      await first.post('alertmanager', fixture('alertmanager/am-01-firing-single.json'));
      const before = (await first.get('/api/v1/incidents')).json;
      const details = await Promise.all([1, 2, 3].map((id) => first.get(`/api/v1/incidents/${id}`)));
      await first.stop();

      clock.advance({ minutes: 5 });
      const second = await startTestApp({ clock, dbFile: first.dbFile });
      try {
        expect((await second.get('/api/v1/incidents')).json).toEqual(before);
        for (const [i, d] of details.entries()) expect((await second.get(`/api/v1/incidents/${i + 1}`)).json).toEqual(d.json);

        const replay = await second.post('alertmanager', fixtureText('alertmanager/am-02-firing-grouped.json'));
        expect(replay.json).toEqual({ accepted: 4, incidents: [1, 2] });
        expect((await second.get('/api/v1/incidents')).json).toEqual(before);

        // New work after the restart continues the same incidents.
        await second.post('alertmanager', fixture('alertmanager/am-03-mixed-firing-resolved.json'));
        const payments = (await second.get('/api/v1/incidents/1')).json;
        expect(payments).toMatchObject({ alertCount: 4, firingCount: 2, status: 'open' });
        const integrity = (await import('better-sqlite3')).default;
        const db = new integrity(first.dbFile, { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        db.close();
      } finally {
        await second.stop();
      }
    } finally {
      first.cleanup();
    }
  });
});
