import type Database from 'better-sqlite3';
import * as database from '../../src/store/sqlite/database';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';
import type { TestApp } from '../helpers/test-app';
import { OutageReceiver } from './support/outage-receiver';
import { reliabilityProfile, report } from './support/profile';
import { alertmanagerBody } from './support/traffic';

const profile = reliabilityProfile();
const LEASE_MS = 60_000;
const BATCH_PER_CHANNEL = 20;

const config = (url: string) => `
listen: 127.0.0.1:0
sources:
  - {name: alertmanager, type: alertmanager}
notifications:
  channels:
    - {name: desk, type: webhook, url: "${url}", timeoutMs: 600000}
  outbox:
    initialBackoff: 5s
    maxBackoff: 10m
    maxAge: 24h
    lease: 60s
`;

interface Row {
  idempotency_key: string;
  status: string;
  attempts: number;
  lease_until: number | null;
}

/*
 * Channel outage, in process on a fake clock (a child process has no fake clock): the store
 * holds `notifications` pending notifications when the channel goes down for 15 minutes of
 * fake time. After it comes back, the daemon is killed while it sends a batch: its store handle
 * closes at once and nothing of it runs again, as after a kill -9 (SQLite sees the same file
 * a killed process would leave, each outbox change having been its own transaction). A new
 * daemon on the same store must not send the leased rows before their lease expires, must send
 * them after, and must drain the backlog with exactly one effect per idempotency key.
 */
test(`channel outage: ${profile.outage.notifications} pending notifications, a ${profile.outage.outageMinutes}-minute outage, one kill -9`, async () => {
  const handles: Database.Database[] = [];
  const realOpen = database.openDatabase;
  const spy = jest.spyOn(database, 'openDatabase').mockImplementation((file: string) => {
    const db = realOpen(file);
    handles.push(db);
    return db;
  });
  const clock = new FakeClock('2025-03-18T09:00:00Z');
  const receiver = new OutageReceiver();
  const url = await receiver.start();
  let first: TestApp | null = null;
  let second: TestApp | null = null;
  let zombie: Promise<unknown> | null = null;
  try {
    first = await startTestApp({ clock, configYaml: config(url) });
    const firstApp = first;
    const firstDb = handles[0] as Database.Database;
    const dbFile = first.dbFile;
    const rows = (db: Database.Database) => db.prepare('SELECT idempotency_key, status, attempts, lease_until FROM notifications ORDER BY id').all() as Row[];

    // The backlog: one "opened" notification per incident, one incident per alert name.
    const perWebhook = 100;
    for (let w = 0; w < profile.outage.notifications / perWebhook; w++) {
      const alerts = Array.from({ length: perWebhook }, (_, i) => {
        const labels = { alertname: `ReliabilityOutage${w * perWebhook + i}`, instance: 'desk-test:9100' };
        return { labels, fingerprint: (w * perWebhook + i + 1).toString(16).padStart(16, '0'), status: 'firing' as const, startsAt: clock.now().getTime() - 60_000, endsAt: null };
      });
      const res = await first.post('alertmanager', alertmanagerBody(alerts));
      expect(res.status).toBe(200);
    }
    const keys = rows(firstDb).map((r) => r.idempotency_key);
    expect(keys).toHaveLength(profile.outage.notifications);

    // The outage: every attempt fails; time moves in 10-second steps.
    receiver.down = true;
    const outageEnds = clock.now().getTime() + profile.outage.outageMinutes * 60_000;
    let outageAttempts = 0;
    while (clock.now().getTime() < outageEnds) {
      outageAttempts += await firstApp.app.outboxWorker().runOnce();
      clock.advance({ seconds: 10 });
    }
    receiver.down = false;
    const afterOutage = rows(firstDb);
    expect(afterOutage.filter((r) => r.status !== 'pending')).toEqual([]);
    expect(receiver.effects.size).toBe(0);

    // Back up: deliver until a full batch is due, then kill the daemon in the middle of it.
    let due = 0;
    for (let i = 0; i < 200 && due < BATCH_PER_CHANNEL; i++) {
      clock.advance({ seconds: 15 });
      due = (firstDb.prepare("SELECT COUNT(*) AS n FROM notifications WHERE status = 'pending' AND next_attempt_at <= ?").get(clock.now().getTime()) as { n: number }).n;
    }
    expect(due).toBeGreaterThanOrEqual(BATCH_PER_CHANNEL);
    const hangAfter = 6;
    const requestsBefore = receiver.requests.length;
    receiver.hangOnRequest(hangAfter);
    zombie = firstApp.app.outboxWorker().runOnce().catch((error: unknown) => error);
    for (let i = 0; i < 500 && receiver.hangingCount() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.hangingCount()).toBe(1);
    // kill -9: the store handle closes now; whatever the killed daemon does next cannot write.
    firstDb.close();
    const killedAt = clock.now().getTime();
    const peek = realOpen(dbFile);
    const atKill = rows(peek);
    peek.close();
    const leased = atKill.filter((r) => r.status === 'pending' && r.lease_until !== null && r.lease_until > killedAt).map((r) => r.idempotency_key);
    const sentBeforeKill = receiver.requests.slice(requestsBefore, requestsBefore + hangAfter - 1);
    expect(leased).toHaveLength(BATCH_PER_CHANNEL - (hangAfter - 1));
    expect(leased).toContain(receiver.requests[requestsBefore + hangAfter - 1]);

    // A new daemon on the same store. Within the lease, the killed daemon's rows stay untouched.
    second = await startTestApp({ clock, configYaml: config(url), dbFile });
    const secondApp = second;
    const secondDb = handles[handles.length - 1] as Database.Database;
    clock.advance({ ms: LEASE_MS / 2 });
    const withinLease = receiver.requests.length;
    for (let i = 0; i < 1000 && (await secondApp.app.outboxWorker().runOnce()) > 0; i++);
    const early = receiver.requests.slice(withinLease).filter((k) => leased.includes(k));
    expect(early).toEqual([]);

    // Past the lease, everything drains.
    const started = clock.now().getTime();
    let runs = 0;
    for (; runs < 5000; runs++) {
      const pending = (secondDb.prepare("SELECT COUNT(*) AS n FROM notifications WHERE status <> 'sent'").get() as { n: number }).n;
      if (pending === 0) break;
      if ((await secondApp.app.outboxWorker().runOnce()) === 0) clock.advance({ seconds: 15 });
    }
    const final = rows(secondDb);
    const notSent = final.filter((r) => r.status !== 'sent');
    const twice = [...receiver.effects].filter(([, n]) => n > 1).map(([k]) => k);
    const never = keys.filter((k) => !receiver.effects.has(k));
    const unknown = [...receiver.effects.keys()].filter((k) => !keys.includes(k));
    report('outage', {
      'pending notifications': keys.length,
      'attempts during the outage': outageAttempts,
      'requests in all': receiver.requests.length,
      'sent before the kill in its batch': sentBeforeKill.length,
      'leased by the killed daemon': leased.length,
      'leased rows sent within the lease': early.length,
      'fake minutes from the lease to drained': Math.round((clock.now().getTime() - started) / 60_000),
      'keys with one effect': [...receiver.effects.values()].filter((n) => n === 1).length,
      'keys with two or more effects': twice.length,
      'keys never applied': never.length,
      'rows not sent': notSent.length,
    });
    expect({ twice, never, unknown, notSent }).toEqual({ twice: [], never: [], unknown: [], notSent: [] });
    expect(leased.every((k) => receiver.effects.get(k) === 1)).toBe(true);
  } finally {
    spy.mockRestore();
    await receiver.stop();
    // The killed daemon's last send fails against its closed store; it must not have written anything.
    if (zombie) await zombie;
    for (const db of handles) if (db.open) db.close();
    await first?.stop().catch(() => undefined);
    await second?.stop();
    first?.cleanup();
  }
});
