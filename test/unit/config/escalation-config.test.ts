import { parseStepAt } from '../../../src/config/escalation-config';
import path from 'node:path';
import { loadConfig, parseConfig } from '../../../src/config/load-config';
import { configProblems as problems } from '../../helpers/config-problems';
import { REPO_DIR } from '../../helpers/fixtures';

const SOURCES = 'sources: [{name: am, type: alertmanager}]\n';
// Lines 2 to 6: two support channels and a customer's.
const CHANNELS = `notifications:
  channels:
    - {name: l1-chat, type: webhook, url: "http://127.0.0.1:9/l1"}
    - {name: l2-chat, type: webhook, url: "http://127.0.0.1:9/l2"}
    - {name: acme-news, type: webhook, url: "http://127.0.0.1:9/acme"}
`;
// Everything before line 8.
const BASE = `${SOURCES}${CHANNELS}customers: [{name: acme, channels: [acme-news]}]\n`;

/** A config whose one policy `by-sla` has these steps, from line 12 on. */
const withSteps = (...steps: string[]) => `${BASE}escalation:\n  policies:\n    - name: by-sla\n      steps:\n${steps.map((s) => `        - ${s}\n`).join('')}`;

describe('parseStepAt', () => {
  test.each([
    ['50%', { kind: 'share', share: 0.5 }],
    ['100%', { kind: 'share', share: 1 }],
    ['150%', { kind: 'share', share: 1.5 }],
    ['12.5%', { kind: 'share', share: 0.125 }],
    ['0.5%', { kind: 'share', share: 0.005 }],
    ['90s', { kind: 'working', ms: 90_000 }],
    ['15m', { kind: 'working', ms: 900_000 }],
    ['4h', { kind: 'working', ms: 14_400_000 }],
    ['3d', { kind: 'working', ms: 259_200_000 }],
    ['1h30m', { kind: 'working', ms: 5_400_000 }],
  ] as const)('%s -> %j', (text, expected) => {
    expect(parseStepAt(text)).toEqual(expected);
  });

  test.each(['', '0%', '0.0%', '-10%', '50', '50 %', '%', '.5%', '5.%', '50%%', 'half', '0s', '0m', '10', '10 m', '-5m', '1.5h', '50%10m'])('%j is not a step time', (text) => {
    expect(parseStepAt(text)).toBeNull();
  });
});

describe('the lines and escalation sections of the config', () => {
  test('the contract example is valid, and keeps `at` as written', () => {
    const text = `${SOURCES}${CHANNELS}lines:
  L1: { channels: [l1-chat] }
  L2: { channels: [l2-chat] }
escalation:
  policies:
    - name: by-sla
      steps:
        - { clock: response,   at: 50%,  action: remind }
        - { clock: response,   at: 100%, action: escalate }
        - { clock: resolution, at: 80%,  action: escalate }
        - { clock: resolution, at: 100%, action: notify, line: L3 }
        - { clock: acknowledged, at: 30m, action: remind }
    - name: quick
      steps: [{ clock: response, at: 10m, action: escalate }]
  default: by-sla
customers: [{name: acme, channels: [acme-news], escalation: quick}]
`;
    const { config } = parseConfig('ib.yaml', text, {}, {});
    expect(config.lines).toEqual({ L1: { channels: ['l1-chat'] }, L2: { channels: ['l2-chat'] } });
    expect(config.escalation?.default).toBe('by-sla');
    expect(config.escalation?.policies[0]?.steps).toEqual([
      { clock: 'response', at: '50%', action: 'remind' },
      { clock: 'response', at: '100%', action: 'escalate' },
      { clock: 'resolution', at: '80%', action: 'escalate' },
      { clock: 'resolution', at: '100%', action: 'notify', line: 'L3' },
      { clock: 'acknowledged', at: '30m', action: 'remind' },
    ]);
    expect(config.customers[0]?.escalation).toBe('quick');
  });

  test('the example config ships the by-sla policy as the default, and no lines (its support channels are commented out)', () => {
    const { config } = loadConfig(path.join(REPO_DIR, 'config/incident-bridge.yaml'), {}, {});
    expect(config.escalation?.default).toBe('by-sla');
    expect(config.escalation?.policies.map((p) => p.name)).toEqual(['by-sla']);
    expect(config.escalation?.policies[0]?.steps.map((s) => `${s.clock} ${s.at} ${s.action}${s.line ? ` ${s.line}` : ''}`)).toEqual([
      'response 50% remind',
      'response 100% escalate',
      'resolution 80% escalate',
      'resolution 100% notify L3',
      'acknowledged 30m remind',
    ]);
    expect(config.lines).toBeUndefined();
  });

  test('both sections are optional', () => {
    const { config } = parseConfig('ib.yaml', BASE, {}, {});
    expect(config.lines).toBeUndefined();
    expect(config.escalation).toBeUndefined();
  });

  test.each([
    ['a malformed at', withSteps('{clock: response, at: soon, action: remind}'), 'ib.yaml:12:33: error: escalation.policies[0].steps[0].at: "soon" is neither a share of the target above 0% (e.g. 50%) nor a duration above zero (e.g. 10m)'],
    ['a share of 0%', withSteps('{clock: resolution, at: 0%, action: escalate}'), 'ib.yaml:12:35: error: escalation.policies[0].steps[0].at: "0%" is neither a share of the target above 0% (e.g. 50%) nor a duration above zero (e.g. 10m)'],
    [
      'a bare number',
      withSteps('{clock: response, at: 50, action: remind}'),
      'ib.yaml:12:33: error: escalation.policies[0].steps[0].at: expected a share of the target such as 50% or a duration such as 10m, not a bare number',
    ],
    ['a missing at', withSteps('{clock: response, action: remind}'), 'ib.yaml:12:11: error: escalation.policies[0].steps[0].at: required key is missing'],
    [
      'a share on the acknowledged clock',
      withSteps('{clock: response, at: 50%, action: remind}', '{clock: acknowledged, at: 50%, action: remind}'),
      'ib.yaml:13:37: error: escalation.policies[0].steps[1].at: the acknowledged clock has no target to take a share of; give a duration (e.g. 30m)',
    ],
    ['notify without line', withSteps('{clock: resolution, at: 100%, action: notify}'), 'ib.yaml:12:11: error: escalation.policies[0].steps[0]: action notify needs the line it reminds (line: L1, L2 or L3)'],
    ['line on another action', withSteps('{clock: response, at: 100%, action: escalate, line: L2}'), 'ib.yaml:12:63: error: escalation.policies[0].steps[0].line: line is only for action notify, not escalate'],
    ['an unknown clock', withSteps('{clock: breach, at: 10m, action: remind}'), 'ib.yaml:12:19: error: escalation.policies[0].steps[0].clock: Invalid option: expected one of "response"|"resolution"|"acknowledged"'],
    ['an unknown line', withSteps('{clock: response, at: 10m, action: notify, line: L4}'), 'ib.yaml:12:60: error: escalation.policies[0].steps[0].line: Invalid option: expected one of "L1"|"L2"|"L3"'],
    ['a policy with no steps', `${BASE}escalation:\n  policies:\n    - {name: by-sla, steps: []}\n`, 'ib.yaml:10:29: error: escalation.policies[0].steps: policy "by-sla" has no steps'],
    ['no policy at all', `${BASE}escalation:\n  policies: []\n`, 'ib.yaml:9:13: error: escalation.policies: an escalation section needs at least one policy'],
    [
      'a duplicate policy name',
      `${BASE}escalation:\n  policies:\n    - {name: by-sla, steps: [{clock: response, at: 50%, action: remind}]}\n    - {name: by-sla, steps: [{clock: response, at: 10m, action: remind}]}\n`,
      'ib.yaml:11:14: error: escalation.policies[1].name: duplicate policy name "by-sla"',
    ],
    [
      'an unknown default',
      `${BASE}escalation:\n  policies:\n    - {name: by-sla, steps: [{clock: response, at: 50%, action: remind}]}\n  default: by-time\n`,
      'ib.yaml:11:12: error: escalation.default: no policy named "by-time"',
    ],
    [
      "a customer's unknown escalation policy",
      `${SOURCES}escalation:\n  policies:\n    - {name: by-sla, steps: [{clock: response, at: 50%, action: remind}]}\ncustomers: [{name: acme, escalation: gold}]\n`,
      'ib.yaml:5:38: error: customers[0].escalation: no escalation policy named "gold"',
    ],
    ["a line's channel that is not configured", `${BASE}lines:\n  L1: {channels: [l1-chat, l3-chat]}\n`, 'ib.yaml:9:28: error: lines.L1.channels[1]: no channel named "l3-chat"'],
    [
      "a line's channel that belongs to a customer",
      `${BASE}lines:\n  L1: {channels: [l1-chat]}\n  L2:\n    channels:\n      - acme-news\n`,
      'ib.yaml:12:9: error: lines.L2.channels[0]: channel "acme-news" belongs to customer "acme" and hears only its customer news',
    ],
    ['a line with no channel', `${BASE}lines:\n  L1: {channels: []}\n`, 'ib.yaml:9:18: error: lines.L1.channels: a line needs at least one channel (leave the line out instead)'],
    ['a line that does not exist', `${BASE}lines:\n  L4: {channels: [l1-chat]}\n`, 'ib.yaml:9:3: error: lines: unknown key "L4"'],
  ])('%s is reported at its line', (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  test('the problems of several steps and policies are reported together, in file order', () => {
    const many = `${BASE}escalation:
  policies:
    - name: by-sla
      steps:
        - {clock: response, at: 1 hour, action: remind}
        - {clock: acknowledged, at: 100%, action: notify}
    - {name: by-sla, steps: []}
  default: nobody
`;
    expect(problems(many)).toEqual([
      'ib.yaml:12:33: error: escalation.policies[0].steps[0].at: "1 hour" is neither a share of the target above 0% (e.g. 50%) nor a duration above zero (e.g. 10m)',
      'ib.yaml:13:37: error: escalation.policies[0].steps[1].at: the acknowledged clock has no target to take a share of; give a duration (e.g. 30m)',
      'ib.yaml:13:11: error: escalation.policies[0].steps[1]: action notify needs the line it reminds (line: L1, L2 or L3)',
      'ib.yaml:14:14: error: escalation.policies[1].name: duplicate policy name "by-sla"',
      'ib.yaml:14:29: error: escalation.policies[1].steps: policy "by-sla" has no steps',
      'ib.yaml:15:12: error: escalation.default: no policy named "nobody"',
    ]);
  });
});
