import path from 'node:path';
import { formatRuleTestResults } from '../../../src/rule-tests/report';
import { runRuleTestFile } from '../../../src/rule-tests/run-rule-tests';
import { REPO_DIR } from '../../helpers/fixtures';

const DIR = 'test/fixtures/rule-tests';
const options = { configFile: path.join(REPO_DIR, 'config/incident-bridge.yaml'), env: {} };

describe('the rule test runner', () => {
  test('a wrong expectation fails with the step, the expected and the actual value', async () => {
    const file = path.join(DIR, 'wrong-expectation.test.yaml');
    const report = formatRuleTestResults([await runRuleTestFile(file, options)]);
    expect(report).toMatchObject({ passed: 1, failed: 2 });
    expect(report.text).toBe(
      [
        `ok   ${file}: right`,
        `FAIL ${file}: wrong priority and title: step 2 (at 1m)`,
        '  incidents[1] (online-shop/checkout-available) priority: expected "P2", actual "P1"',
        '  incidents[1] (online-shop/checkout-available) title: expected "Checkout down", actual "Checkout is unreachable (https://checkout.example.net/)"',
        `FAIL ${file}: one incident too few: step 1 (at 0s)`,
        '  expected 1 incident, actual 2:',
        '      incidents[0] {metric: "catalogue-prices-fresh", status: "open"}',
        '    + incidents[1] {metric: "catalogue-prices-fresh", status: "open"}',
        '1 rule test passed, 2 failed',
        '',
      ].join('\n'),
    );
  });

  test('notifications queued by each step are checked against the routes of the config', async () => {
    const file = path.join(DIR, 'notifications.test.yaml');
    const report = formatRuleTestResults([await runRuleTestFile(file, options)]);
    expect(report.text).toBe(
      [
        `ok   ${file}: a P1 pages and opens a desk ticket; its resolve goes to the desk only`,
        `FAIL ${file}: a P4 goes to the desk only, and this expectation is wrong on purpose: step 1 (at 0s)`,
        '  notifications[0] channel: expected "pager", actual "desk"',
        '1 rule test passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  test('act: steps run people\'s actions; a stranger, a forbidden action and a missing incident fail the step', async () => {
    const file = path.join(DIR, 'acts.test.yaml');
    const report = formatRuleTestResults([await runRuleTestFile(file, options)]);
    expect(report.text).toBe(
      [
        `ok   ${file}: acknowledge and escalate, with the notifications they queue`,
        `FAIL ${file}: an act by a stranger: step 2 (at 0s)`,
        `  act.by: no person named "mallory" in ${path.resolve(DIR, 'notify.yaml')}`,
        `FAIL ${file}: an act the state forbids: step 3 (at 0s)`,
        '  act: acknowledge of incident 1 by anna refused (conflict): a resolved incident cannot be acknowledged; reopen it first',
        `FAIL ${file}: a wrong expectation of who acknowledged: step 2 (at 0s)`,
        '  incidents[0] (online-shop/checkout-available) acknowledgedBy: expected "boris", actual "anna"',
        `FAIL ${file}: an act on an incident that does not exist: step 2 (at 0s)`,
        '  act.incident: there is no incident 2 (1 so far)',
        '1 rule test passed, 4 failed',
        '',
      ].join('\n'),
    );
  });

  test('an invalid test file cannot run and says where it is wrong', async () => {
    const file = path.join(DIR, 'invalid.test.yaml');
    const report = formatRuleTestResults([await runRuleTestFile(file, options)]);
    expect(report.failed).toBe(1);
    expect(report.text).toContain(`  ${file}:5:13: error: tests[0].steps[0].at: use an offset such as 0s, 90s, 5m, 1h30m or an ISO 8601 time`);
  });

  test('each test starts from an empty store', async () => {
    const result = await runRuleTestFile(path.join(DIR, 'wrong-expectation.test.yaml'), options);
    // "right" and "wrong priority" both fire the same alert at the same time; neither sees the other's incident.
    expect(result.tests[0]?.passed).toBe(true);
    expect(result.tests[1]?.failure?.step).toBe(2);
  });
});
