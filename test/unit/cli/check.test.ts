import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCheck } from '../../../src/cli/check';
import { REPO_DIR } from '../../helpers/fixtures';

const LINT_DIR = path.join(REPO_DIR, 'test/fixtures/rules/lint');
const BAD = 'test/fixtures/rules/bad';

function check(args: string[]): { code: number; out: string } {
  const stream = new PassThrough();
  const code = runCheck(args, stream);
  return { code, out: (stream.read() as Buffer | null)?.toString('utf8') ?? '' };
}

describe('incident-bridge check', () => {
  let dir: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'incident-bridge-check-'));
    config = path.join(dir, 'incident-bridge.yaml');
    writeFileSync(config, `sources: [{name: am, type: alertmanager}]\nrules: {dir: ${JSON.stringify(LINT_DIR)}}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the example config and health models are clean', () => {
    const { code, out } = check(['--config', path.join(REPO_DIR, 'config/incident-bridge.yaml'), '--strict']);
    expect(out).toBe(`${path.join(REPO_DIR, 'config/incident-bridge.yaml')}: 3 health models, 20 metrics, 0 warnings\n`);
    expect(code).toBe(0);
  });

  test('warnings print as FILE:LINE:COL: warning: and fail only with --strict', () => {
    const plain = check(['--config', config]);
    expect(plain.code).toBe(0);
    expect(plain.out.split('\n')[0]).toBe(`${LINT_DIR}/b-second.yaml:5:11: warning: metrics[0]: metric "probes" is unreachable: health model "first" claims the same alerts first with metric "probes" (${LINT_DIR}/a-first.yaml:5)`);
    expect(plain.out).toContain(': 2 health models, 2 metrics, 2 warnings\n');
    expect(check(['--config', config, '--strict']).code).toBe(1);
  });

  test('given paths replace the rules directory; errors print as FILE:LINE:COL: error: and exit 1', () => {
    const { code, out } = check(['--config', config, `${BAD}/bad-impact.yaml`, `${BAD}/catastrophic-regex.yaml`]);
    expect(code).toBe(1);
    expect(out).toBe(
      [
        `${BAD}/bad-impact.yaml:8:13: error: metrics[0].impact: Invalid option: expected one of "full_outage"|"partial_outage"|"defect"`,
        `${BAD}/catastrophic-regex.yaml:8:19: error: metrics[0].matchers[1]: regular expression can backtrack catastrophically: nested quantifier in "(checkout-[a-z]+)+"`,
        '',
      ].join('\n'),
    );
  });

  test('--format json gives the counts and each problem for tooling', () => {
    const { code, out } = check(['--config', config, '--format', 'json', path.join(REPO_DIR, BAD, 'lint-warnings.yaml')]);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { ok: boolean; errors: number; warnings: number; problems: { line: number; col: number; severity: string }[] };
    expect(json).toMatchObject({ ok: true, errors: 0, warnings: 4, healthModels: 1, metrics: 6 });
    expect(json.problems[0]).toEqual({ file: path.join(REPO_DIR, BAD, 'lint-warnings.yaml'), line: 9, col: 11, severity: 'warning', message: expect.stringContaining('metric "disk-full-db" is unreachable') as string });
  });

  test('a config with mistakes is reported the same way', () => {
    writeFileSync(config, 'sources: [{name: am, type: nagios}]\n');
    const { code, out } = check(['--config', config]);
    expect(code).toBe(1);
    expect(out).toBe(`${config}:1:28: error: sources[0].type: Invalid option: expected one of "alertmanager"|"grafana"|"zabbix"\n`);
  });

  test('a directory path stands for its rule files, not its subdirectories', () => {
    const { code, out } = check(['--config', config, '--format', 'json', path.join(REPO_DIR, 'rules')]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, errors: 0, warnings: 0, healthModels: 3 });
  });
});
