import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { formatProblem } from '../../../src/core/errors';
import { REPO_DIR } from '../../helpers/fixtures';
import { listRuleFiles, loadRuleFiles, ruleLoadOptions } from '../../../src/health-model/load-rules';
import { DEFAULTS, exampleRuleSet, loadFiles } from '../../helpers/rules';
import { configSchema } from '../../../src/config/schema';
import type { Config } from '../../../src/config/schema';

const BAD_DIR = 'test/fixtures/rules/bad';

describe('loading health models', () => {
  test('the example health models load with no problem, in file order', () => {
    const ruleSet = exampleRuleSet();
    expect(ruleSet.healthModels.map((m) => m.name)).toEqual(['online-shop', 'shop-infrastructure', 'web-banking']);
    expect(ruleSet.metrics[0]?.name).toBe('checkout-available');
    expect(ruleSet.metrics.length).toBeGreaterThanOrEqual(10);
  });

  test('priority comes from the matrix unless the metric overrides it', () => {
    const byName = new Map(exampleRuleSet().metrics.map((m) => [`${m.healthModel.name}/${m.name}`, m]));
    expect(byName.get('online-shop/checkout-available')?.priority).toBe('P1'); // high x full_outage
    expect(byName.get('online-shop/search-latency')?.priority).toBe('P3'); // high x defect
    expect(byName.get('online-shop/catalogue-prices-fresh')?.priority).toBe('P2'); // override
    expect(byName.get('shop-infrastructure/host-down')?.priority).toBe('P3'); // medium x partial_outage
    expect(byName.get('shop-infrastructure/database-available')?.priority).toBe('P1'); // override
  });

  test('a health model naming a customer the config does not have is an error at its line, once the config has customers', () => {
    const file = path.join('test/fixtures/rules/customer-bad', 'bad-customer.yaml');
    const withCustomers = { ...DEFAULTS, customers: [{ name: 'acme', team: [], channels: [], events: ['opened' as const] }] };
    const { ruleSet, problems } = loadRuleFiles([file], ruleLoadOptions(withCustomers, 'incident-bridge.yaml', '', { now: () => new Date(0) }));
    expect(ruleSet).toBeNull();
    expect(problems.map(formatProblem)).toEqual([`${file}:3:11: error: customer: no customer named "nobody-we-serve" in the config (customers: acme)`]);
    // A config without customers leaves the names unchecked: one company, no customer list.
    expect(loadFiles([file]).ruleSet?.healthModels[0]?.customer).toBe('nobody-we-serve');
  });

  test("a health model's sla and escalation must name policies of the config", () => {
    const file = path.join(BAD_DIR, 'unknown-policies.yaml');
    const config = (sla: string, escalation: string) =>
      configSchema.parse({
        sources: [{ name: 'am', type: 'alertmanager' }],
        sla: { policies: [{ name: sla, targets: {} }] },
        escalation: { policies: [{ name: escalation, steps: [{ clock: 'response', at: '50%', action: 'remind' }] }] },
      });
    const load = (c: Config) => loadRuleFiles([file], ruleLoadOptions(c, 'incident-bridge.yaml', '', { now: () => new Date(0) }));
    const known = load(config('gold', 'by-sla'));
    expect(known.problems).toEqual([]);
    expect(known.ruleSet?.healthModels[0]).toMatchObject({ sla: 'gold', escalation: 'by-sla' });
    const unknown = load(config('standard', 'by-time'));
    expect(unknown.ruleSet).toBeNull();
    expect(unknown.problems.map(formatProblem)).toEqual([
      `${file}:4:6: error: sla: no SLA policy named "gold" in the config (policies: standard)`,
      `${file}:5:13: error: escalation: no escalation policy named "by-sla" in the config (policies: by-time)`,
    ]);
  });

  const badFiles = readdirSync(path.join(REPO_DIR, BAD_DIR)).filter((f) => f.endsWith('.yaml'));

  test.each(badFiles)('%s gives exactly the FILE:LINE:COL messages it is paired with', (file) => {
    const expected = readFileSync(path.join(REPO_DIR, BAD_DIR, file.replace(/\.yaml$/, '.expected')), 'utf8').trimEnd().split('\n');
    const { ruleSet, problems } = loadFiles([path.join(BAD_DIR, file)]);
    // Warnings alone never block the rules; one error does.
    const hasError = expected.some((line) => / error: /.test(line));
    expect(ruleSet === null).toBe(hasError);
    expect(problems.map(formatProblem)).toEqual(expected);
  });

  test('one broken file among good ones yields no rule set at all', () => {
    const { ruleSet, problems } = loadFiles([path.join(REPO_DIR, 'rules/online-shop.yaml'), path.join(BAD_DIR, 'bad-impact.yaml')]);
    expect(ruleSet).toBeNull();
    expect(problems).toHaveLength(1);
  });

  test('the lint warns across files: a health model that claims the alerts of an earlier one, a reused metric name', () => {
    const dir = 'test/fixtures/rules/lint';
    const { ruleSet, problems } = loadFiles([path.join(dir, 'a-first.yaml'), path.join(dir, 'b-second.yaml')]);
    expect(ruleSet).not.toBeNull();
    expect(problems.map(formatProblem)).toEqual([
      `${dir}/b-second.yaml:5:11: warning: metrics[0]: metric "probes" is unreachable: health model "first" claims the same alerts first with metric "probes" (${dir}/a-first.yaml:5)`,
      `${dir}/b-second.yaml:5:11: warning: metrics[0].name: metric name "probes" is also used in health model "first" (${dir}/a-first.yaml:5)`,
    ]);
  });

  test('the example health models have no warning', () => {
    expect(loadFiles(listRuleFiles(path.join(REPO_DIR, 'rules'))).problems).toEqual([]);
  });

  test('two files defining the same health model is an error on the second', () => {
    const shop = path.join(REPO_DIR, 'rules/online-shop.yaml');
    const { ruleSet, problems } = loadFiles([shop, shop]);
    expect(ruleSet).toBeNull();
    expect(problems.map(formatProblem)).toEqual([`${shop}:4:7: error: name: health model "online-shop" is also defined in ${shop}`]);
  });
});
