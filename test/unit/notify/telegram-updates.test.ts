import { createLogger } from '../../../src/core/logger';
import { TelegramUpdatePoller } from '../../../src/notify/telegram-updates';
import { openStore } from '../../../src/store/open-store';
import type { IncidentStore, Store } from '../../../src/store/store';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeTelegram } from '../../helpers/fake-telegram';
import { newIncident } from '../../helpers/store-contract';

describe('TelegramUpdatePoller on the real store', () => {
  let fake: FakeTelegram;
  let apiUrl: string;
  let store: Store;
  beforeEach(async () => {
    fake = new FakeTelegram();
    apiUrl = await fake.start();
    store = await openStore({ type: 'sqlite', path: ':memory:' });
    await store.incidents.runBatch([(tx) => tx.insertIncident(newIncident('k1'))]);
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
  });

  function poller(incidents: IncidentStore = store.incidents) {
    return new TelegramUpdatePoller({
      bot: { apiUrl, botToken: fake.token, timeoutMs: 2_000, pollTimeoutMs: 30_000, channels: ['l1-telegram'] },
      store: incidents,
      readModel: store.readModel,
      clock: new FakeClock('2026-05-04T10:00:00Z'),
      logger: createLogger({ silent: true }),
      locale: 'en',
      publicUrl: null,
      personFor: (id) => (id === 1001 ? { name: 'anna', may: () => true } : null),
      random: () => 0.5,
    });
  }

  test('a unit the store cannot commit leaves its update unconfirmed: it is read again and applied once', async () => {
    let refuse = true;
    const flaky: IncidentStore = {
      ...store.incidents,
      runBatch: (units) => {
        // The first unit with an action (after the offset read) fails as a full disk would.
        if (refuse && units.length === 1 && fake.polls.length === 1 && fake.polls[0]!.answered !== null) {
          refuse = false;
          return Promise.resolve(units.map(() => ({ ok: false as const, error: new Error('SQLITE_FULL: database or disk is full') })));
        }
        return store.incidents.runBatch(units);
      },
      dueForResolve: (now, limit) => store.incidents.dueForResolve(now, limit),
      pruneReceipts: (before) => store.incidents.pruneReceipts(before),
    };
    const p = poller(flaky);
    const u1 = fake.press({ userId: 1001, data: 'ib1:1:acknowledge', messageId: 100 });
    expect(await p.runOnce()).toEqual({ updates: 0, delayMs: 1000 });
    expect(fake.answers).toEqual([]);
    expect(await p.runOnce()).toEqual({ updates: 1, delayMs: 0 });
    expect(fake.polls.map((poll) => [poll.offset, poll.answered])).toEqual([
      [null, [u1]],
      [null, [u1]],
    ]);
    const detail = await store.readModel.getIncident(1);
    expect(detail?.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'anna' });
    expect(detail?.timeline.filter((e) => e.event === 'acknowledged')).toHaveLength(1);
    expect(fake.answers.map((a) => a.text)).toEqual(['Acknowledged by anna']);
  });

  test('runOnce never overlaps itself, and after stop it polls no more', async () => {
    const p = poller();
    const a = p.runOnce();
    expect(p.runOnce()).toBe(a);
    await fake.waitFor('getUpdates');
    await p.stop();
    expect(await a).toEqual({ updates: 0, delayMs: 0 });
    expect(await p.runOnce()).toEqual({ updates: 0, delayMs: 0 });
    expect(fake.polls).toHaveLength(1);
  });

  test('a wrong token is logged as refused and backs off, growing with each failure', async () => {
    const p = new TelegramUpdatePoller({
      bot: { apiUrl, botToken: '999:wrong', timeoutMs: 2_000, pollTimeoutMs: 30_000, channels: ['l1-telegram'] },
      store: store.incidents,
      readModel: store.readModel,
      clock: new FakeClock(),
      logger: createLogger({ silent: true }),
      locale: 'en',
      publicUrl: null,
      personFor: () => null,
      random: () => 0.99,
    });
    const delays = [];
    for (let i = 0; i < 4; i++) delays.push((await p.runOnce()).delayMs);
    expect(delays).toEqual([1000, 1980, 3960, 7920]);
  });
});
