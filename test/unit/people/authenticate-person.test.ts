import type { IncomingHttpHeaders } from 'node:http';
import { authenticatePerson, bearerToken, SESSION_COOKIE, sessionIdOf } from '../../../src/people/authenticate-person';
import { People } from '../../../src/people/people';
import { SessionStore } from '../../../src/people/session-store';
import { FakeClock } from '../../helpers/fake-clock';

const TOKEN = 'anna-token-0123456789';

describe('authenticatePerson', () => {
  const clock = new FakeClock();
  const people = new People([{ name: 'anna', role: 'responder', token: TOKEN }]);
  const sessions = new SessionStore({ clock });
  const session = sessions.start('anna');
  const gone = sessions.start('someone-no-longer-configured');
  const lookup = (headers: IncomingHttpHeaders) => {
    const found = authenticatePerson(headers, { people, sessions });
    return 'person' in found ? found.person.name : found.failure;
  };

  test.each<[string, IncomingHttpHeaders, string]>([
    ['no credentials', {}, 'missing'],
    ['a bearer token', { authorization: `Bearer ${TOKEN}` }, 'anna'],
    ['the scheme in any case', { authorization: `bEARER ${TOKEN}` }, 'anna'],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }, 'invalid_token'],
    ['one character changed', { authorization: `Bearer ${TOKEN.slice(0, -1)}8` }, 'invalid_token'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'malformed'],
    ['the scheme alone', { authorization: 'Bearer' }, 'malformed'],
    ['the token alone', { authorization: TOKEN }, 'malformed'],
    ['two words', { authorization: `Bearer ${TOKEN} more` }, 'malformed'],
    ['basic auth', { authorization: `Basic ${Buffer.from(`anna:${TOKEN}`).toString('base64')}` }, 'malformed'],
    ['the session cookie', { cookie: `theme=dark; ${SESSION_COOKIE}=${session}` }, 'anna'],
    ['an unknown session', { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` }, 'invalid_session'],
    ['the token as the cookie', { cookie: `${SESSION_COOKIE}=${TOKEN}` }, 'invalid_session'],
    ['a session of a person no longer configured', { cookie: `${SESSION_COOKIE}=${gone}` }, 'invalid_session'],
    ['an empty cookie', { cookie: `${SESSION_COOKIE}=` }, 'missing'],
    ['a wrong bearer beside a valid cookie', { authorization: 'Bearer wrong-token-0123456789', cookie: `${SESSION_COOKIE}=${session}` }, 'invalid_token'],
  ])('%s', (_what, headers, expected) => {
    expect(lookup(headers)).toBe(expected);
  });

  test('bearerToken and sessionIdOf read only their own syntax', () => {
    expect(bearerToken('Bearer  abc ')).toBe('abc');
    expect(bearerToken('Token abc')).toBeNull();
    expect(sessionIdOf({ cookie: `a=b;${SESSION_COOKIE}=xyz;c=d` })).toBe('xyz');
    expect(sessionIdOf({ cookie: `x${SESSION_COOKIE}=xyz` })).toBeNull();
  });
});
