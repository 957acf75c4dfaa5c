import { readdirSync } from 'node:fs';
import path from 'node:path';
import { formatRuleTestResults } from '../../../src/rule-tests/report';
import { runRuleTestFile } from '../../../src/rule-tests/run-rule-tests';
import { FIXTURES_DIR, REPO_DIR, RULES_DIR } from '../../helpers/fixtures';

const CONFIG = path.join(REPO_DIR, 'config/incident-bridge.yaml');
const TESTS_DIR = path.join(RULES_DIR, 'tests');
const env = { INCIDENT_BRIDGE_FIXTURES: FIXTURES_DIR };

describe('the rule tests of the example health models (what `incident-bridge test rules/tests/*.yaml` runs)', () => {
  const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.yaml'));

  test('there are rule tests for every example health model', () => {
    expect(files.sort()).toEqual(['escalation.test.yaml', 'heartbeat.test.yaml', 'online-shop.test.yaml', 'quiet-dst.test.yaml', 'quiet.test.yaml', 'shop-infrastructure.test.yaml', 'support-line.test.yaml', 'web-banking.test.yaml']);
  });

  test.each(files)('%s passes', async (file) => {
    const result = await runRuleTestFile(path.join(TESTS_DIR, file), { configFile: CONFIG, env });
    const report = formatRuleTestResults([result]);
    // The report is the message on failure: it names the step, the expected and the actual value.
    expect({ failed: report.failed, report: report.text }).toEqual({ failed: 0, report: expect.any(String) as string });
    expect(report.passed).toBeGreaterThanOrEqual(1);
  });
});
