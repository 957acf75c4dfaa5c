import { parseConfig } from '../../../src/config/load-config';
import { formatProblem } from '../../../src/core/errors';
import { rejectedConfig } from '../../helpers/config-problems';

const SOURCES = 'sources: [{name: am, type: alertmanager}]\n';
const ENV = { TOKEN_ANNA: 'anna-token-0123456789', TOKEN_BORIS: 'boris-token-9876543210' };

const problems = (text: string, env: NodeJS.ProcessEnv = ENV): string[] => rejectedConfig(text, env);

describe('people in the config', () => {
  test('every key of the contract, tokens from the environment, registered as secrets', () => {
    const text = `${SOURCES}people:
  - name: anna
    displayName: Anna Petrova
    role: responder
    lines: [L1]
    token: \${TOKEN_ANNA}
    telegramUserId: 123456789
    email: anna@example.net
  - name: boris
    role: customer
    customer: acme
    token: "\${TOKEN_BORIS}"
    telegramUserId: "987654321"
customers:
  - name: acme
`;
    const loaded = parseConfig('ib.yaml', text, {}, ENV);
    expect(loaded.config.people).toEqual([
      { name: 'anna', displayName: 'Anna Petrova', role: 'responder', lines: ['L1'], token: 'anna-token-0123456789', telegramUserId: 123456789, email: 'anna@example.net' },
      { name: 'boris', role: 'customer', customer: 'acme', token: 'boris-token-9876543210', telegramUserId: 987654321 },
    ]);
    expect(loaded.secrets).toEqual(['anna-token-0123456789', 'boris-token-9876543210']);
    expect(loaded.serveProblems).toEqual([]);
  });

  test('no people is the default', () => {
    expect(parseConfig('ib.yaml', SOURCES, {}, {}).config.people).toEqual([]);
  });

  const person = (fields: string) => `${SOURCES}people:\n  - name: anna\n    role: viewer\n    token: \${TOKEN_ANNA}\n${fields}`;
  test.each([
    ['two people with one name', `${SOURCES}people:\n  - {name: anna, role: viewer, token: "\${TOKEN_ANNA}"}\n  - {name: anna, role: admin, token: "\${TOKEN_BORIS}"}\n`, ['ib.yaml:4:12: error: people[1].name: duplicate person name "anna"']],
    [
      'two people with one token',
      `${SOURCES}people:\n  - {name: anna, role: viewer, token: "\${TOKEN_ANNA}"}\n  - {name: boris, role: admin, token: "\${TOKEN_ANNA}"}\n`,
      ['ib.yaml:4:39: error: people[1].token: the same token as people[0]; each person needs their own token'],
    ],
    [
      'two people with one Telegram user',
      `${SOURCES}people:\n  - {name: anna, role: viewer, token: "\${TOKEN_ANNA}", telegramUserId: 42}\n  - {name: boris, role: admin, token: "\${TOKEN_BORIS}", telegramUserId: "42"}\n`,
      ['ib.yaml:4:73: error: people[1].telegramUserId: the same Telegram user as people[0]; a button press must name one person'],
    ],
    ['an upper-case name', `${SOURCES}people:\n  - {name: Anna, role: viewer, token: "\${TOKEN_ANNA}"}\n`, ['ib.yaml:3:12: error: people[0].name: use lower-case letters, digits, ., - and _']],
    ['an unknown role', person('    role: boss\n').replace('    role: viewer\n', ''), ['ib.yaml:5:11: error: people[0].role: Invalid option: expected one of "viewer"|"responder"|"admin"|"customer"']],
    ['a short token', `${SOURCES}people:\n  - {name: anna, role: viewer, token: short}\n`, ['ib.yaml:3:39: error: people[0].token: token must have at least 8 characters']],
    ['a token with a space', `${SOURCES}people:\n  - {name: anna, role: viewer, token: "two words here"}\n`, ['ib.yaml:3:39: error: people[0].token: token must be printable ASCII without spaces']],
    ['an unset token variable', person(''), ['ib.yaml:5:12: error: environment variable TOKEN_ANNA is not set and has no default'], {}],
    ['an unknown line', person('    lines: [L4]\n'), ['ib.yaml:6:13: error: people[0].lines[0]: Invalid option: expected one of "L1"|"L2"|"L3"']],
    ['a customer without its customer', person('').replace('role: viewer', 'role: customer'), ['ib.yaml:3:5: error: people[0].customer: a person with role customer needs the key customer']],
    ['a customer key on staff', person('    customer: acme\n'), ['ib.yaml:6:15: error: people[0].customer: customer is only for role customer, not viewer']],
    ['a bad email', person('    email: not-an-address\n'), ['ib.yaml:6:12: error: people[0].email: Invalid email address']],
    ['a misspelt key', person('    telegramId: 1\n'), ['ib.yaml:6:5: error: people[0]: unknown key "telegramId"']],
  ])('%s is reported at its line, without the token', (_what, text, expected, env: NodeJS.ProcessEnv = ENV) => {
    const found = problems(text, env);
    expect(found).toEqual(expected);
    expect(found.join('\n')).not.toMatch(/anna-token|boris-token/);
  });
});

describe('customers in the config', () => {
  test.each([
    ['an unknown team member', 'customers: [{name: acme, team: [zoe]}]\n', 'ib.yaml:2:33: error: customers[0].team[0]: no person named "zoe" in people'],
    ['an unknown channel', 'customers: [{name: acme, channels: [acme-mail]}]\n', 'ib.yaml:2:37: error: customers[0].channels[0]: no channel named "acme-mail"'],
    ['an unknown SLA policy', 'customers: [{name: acme, sla: gold}]\n', 'ib.yaml:2:31: error: customers[0].sla: no SLA policy named "gold"'],
    ['a repeated customer', 'customers: [{name: acme}, {name: acme}]\n', 'ib.yaml:2:34: error: customers[1].name: duplicate customer name "acme"'],
    ['a customer person of an unknown customer', 'people: [{name: desk, role: customer, customer: globex}]\ncustomers: [{name: acme}]\n', 'ib.yaml:2:49: error: people[0].customer: no customer named "globex" in customers'],
  ])('%s is reported at its line', (_what, text, expected) => {
    expect(problems(`${SOURCES}${text}`)).toEqual([expected]);
  });
});

describe('people without a token', () => {
  test('are valid: they can be assigned, but only people with a token close the API', () => {
    const text = `${SOURCES}people:\n  - name: anna\n    role: responder\n  - {name: boris, role: responder, token: "\${TOKEN_EMPTY:-}"}\n`;
    const loaded = parseConfig('ib.yaml', text, {}, {});
    expect(loaded.config.people.map((p) => [p.name, p.token])).toEqual([
      ['anna', undefined],
      ['boris', undefined],
    ]);
    const beyond = parseConfig('ib.yaml', `listen: 0.0.0.0:9095\n${text.replace('{name: am, type: alertmanager}', '{name: am, type: alertmanager, allowUnauthenticated: true}')}`, {}, {});
    expect(beyond.serveProblems.map((p) => p.message)).toEqual([expect.stringContaining('no person has a token')]);
  });
});

describe('people and the listen address', () => {
  test('beyond loopback without people the file is valid, but the daemon may not serve it', () => {
    const loaded = parseConfig('ib.yaml', `listen: 0.0.0.0:9095\nsources: [{name: am, type: alertmanager, allowUnauthenticated: true}]\n`, {}, {});
    expect(loaded.serveProblems.map(formatProblem)).toEqual([
      'ib.yaml:1:9: error: listen: no people are configured, so the API would be open to anyone who reaches 0.0.0.0:9095; configure people with tokens, or listen on loopback (127.0.0.1)',
    ]);
    // Given by --listen, with no listen key in the file: the problem points at the file's start.
    expect(parseConfig('ib.yaml', 'sources: [{name: am, type: alertmanager, auth: {type: bearer, token: am-token-0123}}]\n', { listen: '[::]:9095' }, {}).serveProblems.map(formatProblem)).toEqual([
      'ib.yaml:1:1: error: listen: no people are configured, so the API would be open to anyone who reaches [::]:9095; configure people with tokens, or listen on loopback (127.0.0.1)',
    ]);
  });

  test('with people, or on loopback, nothing stops it', () => {
    const withPeople = `listen: 0.0.0.0:9095\nsources: [{name: am, type: alertmanager, allowUnauthenticated: true}]\npeople: [{name: anna, role: admin, token: "\${TOKEN_ANNA}"}]\n`;
    expect(parseConfig('ib.yaml', withPeople, {}, ENV).serveProblems).toEqual([]);
    expect(parseConfig('ib.yaml', SOURCES, {}, {}).serveProblems).toEqual([]);
    expect(parseConfig('ib.yaml', SOURCES, { listen: 'localhost:9095' }, {}).serveProblems).toEqual([]);
  });
});
