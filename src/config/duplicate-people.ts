/** A person whose name or token an earlier person of the list already has. */
export interface DuplicatePerson {
  /** Position of the later person in the list. */
  index: number;
  key: 'name' | 'token' | 'telegramUserId';
  /** Position of the earlier person with the same value. */
  first: number;
}

/**
 * Finds every person that repeats an earlier person's name, token or Telegram user id. A shared
 * token (or Telegram account) would make two people one identity on the timeline, so all are
 * mistakes. The values themselves are not returned: a message built from this result can never
 * print a token.
 */
export function findDuplicatePeople(people: readonly { name: string; token?: string | undefined; telegramUserId?: number | undefined }[]): DuplicatePerson[] {
  const names = new Map<string, number>();
  const tokens = new Map<string, number>();
  const telegramUsers = new Map<number, number>();
  const found: DuplicatePerson[] = [];
  people.forEach((p, index) => {
    const sameName = names.get(p.name);
    if (sameName === undefined) names.set(p.name, index);
    else found.push({ index, key: 'name', first: sameName });
    if (p.token !== undefined) {
      const sameToken = tokens.get(p.token);
      if (sameToken === undefined) tokens.set(p.token, index);
      else found.push({ index, key: 'token', first: sameToken });
    }
    if (p.telegramUserId !== undefined) {
      const sameTelegramUser = telegramUsers.get(p.telegramUserId);
      if (sameTelegramUser === undefined) telegramUsers.set(p.telegramUserId, index);
      else found.push({ index, key: 'telegramUserId', first: sameTelegramUser });
    }
  });
  return found;
}
