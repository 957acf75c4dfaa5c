import { readdirSync } from 'node:fs';
import path from 'node:path';
import { labelsFingerprint } from '../../../src/sources/fingerprint';
import { FIXTURES_DIR, fixture } from '../../helpers/fixtures';

describe('labelsFingerprint', () => {
  test('matches the Prometheus test vectors', () => {
    expect(labelsFingerprint({ alertname: 'alert1', lbl1: 'val1' })).toBe('fac0861a85de433a');
    expect(labelsFingerprint({ alertname: 'alert1', lbl1: 'val2' })).toBe('fab6861a85d5eeb5');
  });

  test('does not depend on key order', () => {
    expect(labelsFingerprint({ b: '2', a: '1' })).toBe(labelsFingerprint({ a: '1', b: '2' }));
  });

  test('equals the fingerprint Alertmanager sent for every fixture alert', () => {
    const files = readdirSync(path.join(FIXTURES_DIR, 'alertmanager')).filter((f) => f.endsWith('.json'));
    let checked = 0;
    for (const file of files) {
      const body = fixture<{ alerts: { labels: Record<string, string>; fingerprint: string }[] }>(`alertmanager/${file}`);
      for (const alert of body.alerts) {
        expect(labelsFingerprint(alert.labels)).toBe(alert.fingerprint);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
