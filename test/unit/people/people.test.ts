import crypto from 'node:crypto';
import type { PersonConfig } from '../../../src/config/schema';
import { findDuplicatePeople } from '../../../src/config/duplicate-people';
import { People, roleAllows } from '../../../src/people/people';
import type { Role } from '../../../src/core/vocabulary';

const ANNA: PersonConfig = { name: 'anna', displayName: 'Anna Petrova', role: 'responder', lines: ['L1'], token: 'anna-token-0123456789', telegramUserId: 123456789, email: 'anna@example.net' };
const BORIS: PersonConfig = { name: 'boris', role: 'admin', token: 'boris-token-9876543210' };
const VERA: PersonConfig = { name: 'vera', role: 'viewer', token: 'vera-token-5555555555' };

describe('People', () => {
  const people = new People([ANNA, BORIS, VERA]);

  test('finds a person by token and by name; a person never carries the token', () => {
    expect(people.byToken('anna-token-0123456789')).toEqual({
      name: 'anna',
      displayName: 'Anna Petrova',
      role: 'responder',
      lines: ['L1'],
      customer: null,
      telegramUserId: 123456789,
      email: 'anna@example.net',
    });
    expect(people.byToken('boris-token-9876543210')?.name).toBe('boris');
    expect(people.byName('vera')?.role).toBe('viewer');
    expect(people.byName('nobody')).toBeNull();
    expect(JSON.stringify(people.list())).not.toMatch(/token-/);
  });

  test('the display name falls back to the name, and lines to none', () => {
    expect(people.byName('boris')).toMatchObject({ displayName: 'boris', lines: [], customer: null, telegramUserId: null, email: null });
  });

  test.each([
    ['a wrong token', 'wrong-token-0123456789'],
    ['one character changed', 'anna-token-0123456788'],
    ['a prefix', 'anna-token-012345678'],
    ['a longer token', 'anna-token-01234567890'],
    ['the token in upper case', 'ANNA-TOKEN-0123456789'],
    ['empty', ''],
  ])('%s matches nobody', (_what, token) => {
    expect(people.byToken(token)).toBeNull();
  });

  test('no people: nothing is configured and no token matches', () => {
    const none = new People([]);
    expect(none.configured).toBe(false);
    expect(none.byToken('anna-token-0123456789')).toBeNull();
    expect(people.configured).toBe(true);
  });

  test("a lookup compares the token's SHA-256 digest with every person's in constant time, whoever matches", () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const token of ['anna-token-0123456789', 'vera-token-5555555555', 'not-a-token-at-all', 'x']) {
        compare.mockClear();
        people.byToken(token);
        // One comparison per person, never an early exit, always 32-byte digests (never the raw token).
        expect(compare).toHaveBeenCalledTimes(3);
        for (const [a, b] of compare.mock.calls) {
          expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
          expect((a as Buffer).equals(crypto.createHash('sha256').update(token).digest())).toBe(true);
        }
      }
    } finally {
      compare.mockRestore();
    }
  });

  test('finds the person behind a Telegram account, or nobody', () => {
    expect(people.byTelegramUserId(123456789)?.name).toBe('anna');
    expect(people.byTelegramUserId(42)).toBeNull();
  });

  test('two people with one name, one token or one Telegram account are refused', () => {
    expect(() => new People([ANNA, { ...BORIS, name: 'anna' }])).toThrow('people[1].name: the same name as people[0]');
    expect(() => new People([ANNA, BORIS, { ...VERA, token: ANNA.token }])).toThrow('people[2].token: the same token as people[0]');
    expect(() => new People([ANNA, { ...BORIS, telegramUserId: 123456789 }])).toThrow('people[1].telegramUserId: the same telegramUserId as people[0]');
  });

  test('duplicate detection names positions, never values', () => {
    expect(
      findDuplicatePeople([
        { name: 'a', token: 't1' },
        { name: 'b', token: 't2' },
        { name: 'a', token: 't2' },
        { name: 'c', token: 't1' },
      ]),
    ).toEqual([
      { index: 2, key: 'name', first: 0 },
      { index: 2, key: 'token', first: 1 },
      { index: 3, key: 'token', first: 0 },
    ]);
    expect(findDuplicatePeople([ANNA, BORIS, VERA])).toEqual([]);
  });
});

describe('roleAllows', () => {
  const roles: Role[] = ['viewer', 'responder', 'admin', 'customer'];
  // rows: the person's role; columns: the role required, in the order of `roles`.
  const table: Record<Role, boolean[]> = {
    viewer: [true, false, false, false],
    responder: [true, true, false, false],
    admin: [true, true, true, false],
    customer: [false, false, false, true],
  };
  test.each(roles)('%s', (role) => {
    expect(roles.map((required) => roleAllows(role, required))).toEqual(table[role]);
  });
});
