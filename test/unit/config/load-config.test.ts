import path from 'node:path';
import { parseConfig } from '../../../src/config/load-config';
import { REPO_DIR } from '../../helpers/fixtures';
import { loadConfig } from '../../../src/config/load-config';
import { rejectedConfig as problems } from '../../helpers/config-problems';

describe('config', () => {
  test('the example config loads as it is, with paths relative to its file', () => {
    const loaded = loadConfig(path.join(REPO_DIR, 'config/incident-bridge.yaml'), {}, {});
    expect(loaded.config.listen).toBe('127.0.0.1:9095');
    expect(loaded.rulesDir).toBe(path.join(REPO_DIR, 'rules'));
    expect(loaded.storePath).toBe(path.join(REPO_DIR, 'data/incident-bridge.db'));
    expect(loaded.config.sources.map((s) => [s.name, s.type])).toEqual([
      ['alertmanager', 'alertmanager'],
      ['grafana', 'grafana'],
      ['zabbix', 'zabbix'],
    ]);
    expect(loaded.config.incidents.reopenWindow).toBe(600_000);
    expect(loaded.config.limits.maxBodyBytes).toBe(5 * 1024 * 1024);
    expect(loaded.config.priorities.matrix.high.full_outage).toBe('P1');
  });

  test('every knob has a default', () => {
    const { config } = parseConfig('ib.yaml', 'sources: [{name: am, type: alertmanager}]', {}, {});
    expect(config).toMatchObject({
      listen: '127.0.0.1:9095',
      incidents: { reopenWindow: 600_000, resolveHoldDown: 0, groupBy: [] },
      fallback: { healthModel: 'unclassified', priority: 'P4', groupBy: ['alertname'] },
      rejections: { maxCount: 100, maxBodyBytes: 65536 },
    });
  });

  test('${VAR} and ${VAR:-default} expand from the environment; secrets are collected for masking', () => {
    const text = 'listen: ${LISTEN:-127.0.0.1:9100}\nsources:\n  - name: am\n    type: alertmanager\n    auth: {type: bearer, token: "${AM_TOKEN}"}\n';
    const loaded = parseConfig('ib.yaml', text, {}, { AM_TOKEN: 's3cret-token' });
    expect(loaded.config.listen).toBe('127.0.0.1:9100');
    expect(loaded.config.sources[0]?.auth).toEqual({ type: 'bearer', token: 's3cret-token' });
    expect(loaded.secrets).toEqual(['s3cret-token']);
  });

  test('command-line overrides win over the file', () => {
    const loaded = parseConfig('ib.yaml', 'sources: [{name: am, type: alertmanager}]', { listen: '127.0.0.1:0', db: 'x/y.db' }, {});
    expect(loaded.config.listen).toBe('127.0.0.1:0');
    expect(loaded.storePath).toBe(path.resolve('x/y.db'));
  });

  test.each([
    ['an unset variable', 'sources:\n  - name: am\n    type: alertmanager\n    auth: {type: bearer, token: "${NOPE}"}\n', 'ib.yaml:4:33: error: environment variable NOPE is not set and has no default'],
    ['an unknown source type', 'sources:\n  - name: am\n    type: nagios\n', 'ib.yaml:3:11: error: sources[0].type: Invalid option: expected one of "alertmanager"|"grafana"|"zabbix"'],
    ['a misspelt key', 'sources: [{name: am, type: alertmanager}]\nincidents:\n  reopenWindows: 5m\n', 'ib.yaml:3:3: error: incidents: unknown key "reopenWindows"'],
    ['a bad duration', 'sources: [{name: am, type: alertmanager}]\nincidents:\n  reopenWindow: soon\n', 'ib.yaml:3:17: error: incidents.reopenWindow: invalid duration "soon" (use e.g. 30s, 10m, 1h30m)'],
    ['a bad listen address', 'listen: 9095\nsources: [{name: am, type: alertmanager}]\n', 'ib.yaml:1:9: error: listen: expected HOST:PORT, e.g. 127.0.0.1:9095'],
    ['no sources', 'listen: 127.0.0.1:9095\n', 'ib.yaml:1:1: error: sources: required key is missing'],
    ['two sources with one name', 'sources:\n  - {name: am, type: alertmanager}\n  - {name: am, type: alertmanager}\n', 'ib.yaml:3:12: error: sources[1].name: duplicate source name "am"'],
    ['broken YAML', 'sources: [\n', 'ib.yaml:2:1: error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ])('%s is reported at its line', (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });
});

describe('listening beyond loopback', () => {
  test('refuses a source without auth unless it says allowUnauthenticated', () => {
    expect(problems('listen: 0.0.0.0:9095\nsources:\n  - {name: am, type: alertmanager}\n')).toEqual([
      'ib.yaml:3:5: error: sources[0]: source "am" has no auth while listening on 0.0.0.0:9095; configure auth or set allowUnauthenticated: true',
    ]);
    expect(parseConfig('ib.yaml', 'listen: 0.0.0.0:9095\nsources:\n  - {name: am, type: alertmanager, allowUnauthenticated: true}\n', {}, {}).config.listen).toBe('0.0.0.0:9095');
    expect(parseConfig('ib.yaml', 'listen: 0.0.0.0:9095\nsources:\n  - {name: am, type: alertmanager, auth: {type: bearer, token: t}}\n', {}, {}).secrets).toEqual(['t']);
  });

  test('the --listen override is checked too', () => {
    expect(() => parseConfig('ib.yaml', 'sources: [{name: am, type: alertmanager}]', { listen: '10.0.0.5:9095' }, {})).toThrow(/has no auth while listening on 10.0.0.5:9095/);
    expect(parseConfig('ib.yaml', 'sources: [{name: am, type: alertmanager}]', { listen: '[::1]:9095' }, {}).config.listen).toBe('[::1]:9095');
  });
});
