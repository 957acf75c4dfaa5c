import { SessionStore } from '../../../src/people/session-store';
import { FakeClock } from '../../helpers/fake-clock';

describe('SessionStore', () => {
  test('a session id is 32 random bytes in base64url and stands for the name until it ends', () => {
    const sessions = new SessionStore({ clock: new FakeClock() });
    const a = sessions.start('anna');
    const b = sessions.start('anna');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(sessions.resolve(a)).toEqual({ name: 'anna' });
    expect(sessions.end(a)).toBe('anna');
    expect(sessions.resolve(a)).toEqual({ failure: 'invalid_session' });
    expect(sessions.end(a)).toBeNull();
    expect(sessions.resolve(b)).toEqual({ name: 'anna' });
  });

  test('expiry slides with use: 12 hours after the last use, not after the start', () => {
    const clock = new FakeClock('2025-03-18T09:00:00Z');
    const sessions = new SessionStore({ clock });
    const id = sessions.start('anna');
    clock.advance({ hours: 11 });
    expect(sessions.resolve(id)).toEqual({ name: 'anna' });
    clock.advance({ hours: 11 });
    expect(sessions.resolve(id)).toEqual({ name: 'anna' });
    clock.advance({ hours: 12 });
    expect(sessions.resolve(id)).toEqual({ failure: 'expired_session' });
    expect(sessions.resolve(id)).toEqual({ failure: 'invalid_session' });
  });

  test('ids that were never issued, or are not ids at all, resolve to nothing', () => {
    const sessions = new SessionStore({ clock: new FakeClock() });
    sessions.start('anna');
    for (const id of ['', 'x', 'A'.repeat(43), 'anna', `${'A'.repeat(42)}=`]) expect(sessions.resolve(id)).toEqual({ failure: 'invalid_session' });
  });

  test('past maxSessions the expired go first, then the least recently used', () => {
    const clock = new FakeClock();
    const sessions = new SessionStore({ clock, maxSessions: 3, idleMs: 60_000 });
    const old = sessions.start('a');
    clock.advance({ seconds: 61 });
    const first = sessions.start('b');
    const second = sessions.start('c');
    const third = sessions.start('d'); // full: the expired one goes
    expect(sessions.size).toBe(3);
    expect(sessions.resolve(old)).toEqual({ failure: 'invalid_session' });
    expect(sessions.resolve(first)).toEqual({ name: 'b' }); // used: now the most recent
    sessions.start('e'); // full again: `second` is the least recently used
    expect(sessions.resolve(second)).toEqual({ failure: 'invalid_session' });
    expect([sessions.resolve(first), sessions.resolve(third)]).toEqual([{ name: 'b' }, { name: 'd' }]);
  });
});
