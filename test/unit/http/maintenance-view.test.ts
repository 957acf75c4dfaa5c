import { maintenanceJson } from '../../../src/http/maintenance-view';
import { compileMaintenance } from '../../../src/quiet/maintenance';

const HOUR = 3_600_000;
const [dcPower, weeklyDb] = compileMaintenance([
  { name: 'dc-power-work', matchers: ['datacenter="msk-1"'], healthModels: ['shop-infrastructure'], timezone: 'Europe/Moscow', start: '2026-12-05T01:00', end: '2026-12-05T05:00' },
  { name: 'weekly-db', matchers: [], healthModels: ['online-shop'], timezone: 'Europe/Amsterdam', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', duration: 2 * HOUR },
]);

/** GET /api/v1/maintenance shows each window of the config with its state at the moment of the answer. */
describe('a maintenance window as the API shows it', () => {
  test('a one-off window: pending, then active with its occurrence, then expired', () => {
    // 01:00-05:00 Moscow (UTC+3) is 22:00-02:00 UTC.
    const once = { startsAt: '2026-12-04T22:00:00.000Z', endsAt: '2026-12-05T02:00:00.000Z' };
    expect(maintenanceJson(dcPower!, Date.parse('2026-12-04T21:59:59Z'))).toEqual({
      name: 'dc-power-work',
      matchers: ['datacenter="msk-1"'],
      healthModels: ['shop-infrastructure'],
      timezone: 'Europe/Moscow',
      schedule: { kind: 'once', ...once },
      status: 'pending',
      current: null,
      next: once,
    });
    expect(maintenanceJson(dcPower!, Date.parse('2026-12-04T22:00:00Z'))).toMatchObject({ status: 'active', current: once, next: null });
    expect(maintenanceJson(dcPower!, Date.parse('2026-12-05T02:00:00Z'))).toMatchObject({ status: 'expired', current: null, next: null });
  });

  test('a weekly window in its zone: the occurrence in force, and the next one across a daylight-saving change', () => {
    // Sunday 2026-10-25 02:00 Amsterdam is still summer time (UTC+2): 00:00 UTC; the next Sunday is winter time (UTC+1): 01:00 UTC.
    const during = maintenanceJson(weeklyDb!, Date.parse('2026-10-25T01:00:00Z'));
    expect(during).toMatchObject({
      schedule: { kind: 'recurring', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', durationSeconds: 7200 },
      status: 'active',
      current: { startsAt: '2026-10-25T00:00:00.000Z', endsAt: '2026-10-25T02:00:00.000Z' },
      next: { startsAt: '2026-11-01T01:00:00.000Z', endsAt: '2026-11-01T03:00:00.000Z' },
    });
    expect(maintenanceJson(weeklyDb!, Date.parse('2026-10-28T12:00:00Z'))).toMatchObject({ status: 'pending', current: null, next: { startsAt: '2026-11-01T01:00:00.000Z' } });
  });
});
