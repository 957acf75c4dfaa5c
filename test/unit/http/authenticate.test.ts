import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SourceAuthenticator } from '../../../src/http/authenticate';
import { FakeClock } from '../../helpers/fake-clock';
import { FIXTURES_DIR } from '../../helpers/fixtures';

const wire = readFileSync(path.join(FIXTURES_DIR, 'grafana/unified/gu-10-hmac-signed.wire.json'));
const SECRET = 'incident-daemon-test-secret';
const SIG_PLAIN = '1f6ae0614e5d9c27cf52b8e455680bed4bbefaf6b168b124b612cd7979537344';
const SIG_STAMPED = 'db4153cf3ad20389f1ee365fc674aebdf98fb17714bd1974c5cc68235e584e23';
const STAMP = '1742290300';

const hmac = (timestampHeader?: string) =>
  ({ type: 'hmac', secret: SECRET, header: 'X-Grafana-Alerting-Signature', replayWindow: 300_000, ...(timestampHeader ? { timestampHeader } : {}) }) as const;

describe('SourceAuthenticator', () => {
  test('no auth configured accepts everything', () => {
    expect(new SourceAuthenticator(undefined, new FakeClock()).check({}, null)).toBeNull();
  });

  test.each([
    [{ authorization: 'Bearer tok-123' }, null],
    [{ authorization: 'bearer tok-123' }, null],
    [{}, 'missing_credentials'],
    [{ authorization: 'Bearer tok-124' }, 'bad_credentials'],
    [{ authorization: 'Bearer tok-1234' }, 'bad_credentials'],
    [{ authorization: 'Basic dG9rLTEyMw==' }, 'bad_credentials'],
    [{ authorization: 'tok-123' }, 'bad_credentials'],
  ])('bearer: %j -> %s', (headers, expected) => {
    expect(new SourceAuthenticator({ type: 'bearer', token: 'tok-123' }, new FakeClock()).check(headers, null)).toBe(expected);
  });

  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  test.each([
    [basic('grafana:pa:ss'), null],
    [basic('grafana:wrong'), 'bad_credentials'],
    [basic('other:pa:ss'), 'bad_credentials'],
    [basic('no-colon'), 'bad_credentials'],
    ['Basic !!!not-base64', 'bad_credentials'],
    ['Bearer pa:ss', 'bad_credentials'],
  ])('basic: %s -> %s', (authorization, expected) => {
    expect(new SourceAuthenticator({ type: 'basic', username: 'grafana', password: 'pa:ss' }, new FakeClock()).check({ authorization }, null)).toBe(expected);
  });

  test('HMAC over the body matches Grafana’s test vector', () => {
    const auth = new SourceAuthenticator(hmac(), new FakeClock());
    expect(auth.check({ 'x-grafana-alerting-signature': SIG_PLAIN }, wire)).toBeNull();
    expect(auth.check({ 'x-grafana-alerting-signature': `sha256=${SIG_PLAIN}` }, wire)).toBeNull();
    expect(auth.check({ 'x-grafana-alerting-signature': SIG_PLAIN.toUpperCase() }, wire)).toBeNull();
  });

  test('HMAC over timestamp:body within the window, once', () => {
    const clock = new FakeClock(Number(STAMP) * 1000 + 60_000);
    const auth = new SourceAuthenticator(hmac('X-Grafana-Alerting-Timestamp'), clock);
    const headers = { 'x-grafana-alerting-signature': SIG_STAMPED, 'x-grafana-alerting-timestamp': STAMP };
    expect(auth.check(headers, wire)).toBeNull();
    auth.accepted(headers);
    expect(auth.check(headers, wire)).toBe('replayed_signature');
  });

  test.each([
    ['a changed body', { 'x-grafana-alerting-signature': SIG_STAMPED, 'x-grafana-alerting-timestamp': STAMP }, Buffer.concat([wire, Buffer.from(' ')]), 'bad_signature'],
    ['a changed timestamp', { 'x-grafana-alerting-signature': SIG_STAMPED, 'x-grafana-alerting-timestamp': '1742290301' }, wire, 'bad_signature'],
    ['no signature', { 'x-grafana-alerting-timestamp': STAMP }, wire, 'missing_signature'],
    ['a short signature', { 'x-grafana-alerting-signature': SIG_STAMPED.slice(0, 62), 'x-grafana-alerting-timestamp': STAMP }, wire, 'malformed_signature'],
    ['a long signature', { 'x-grafana-alerting-signature': `${SIG_STAMPED}00`, 'x-grafana-alerting-timestamp': STAMP }, wire, 'malformed_signature'],
    ['a non-hex signature', { 'x-grafana-alerting-signature': 'z'.repeat(64), 'x-grafana-alerting-timestamp': STAMP }, wire, 'malformed_signature'],
    ['no timestamp', { 'x-grafana-alerting-signature': SIG_STAMPED }, wire, 'missing_timestamp'],
    ['a non-numeric timestamp', { 'x-grafana-alerting-signature': SIG_STAMPED, 'x-grafana-alerting-timestamp': 'soon' }, wire, 'expired_timestamp'],
  ])('HMAC rejects %s', (_what, headers, body, expected) => {
    const auth = new SourceAuthenticator(hmac('X-Grafana-Alerting-Timestamp'), new FakeClock(Number(STAMP) * 1000));
    expect(auth.check(headers, body)).toBe(expected);
  });

  test('HMAC rejects a timestamp outside the replay window, either side', () => {
    const headers = { 'x-grafana-alerting-signature': SIG_STAMPED, 'x-grafana-alerting-timestamp': STAMP };
    const late = new FakeClock(Number(STAMP) * 1000 + 300_001);
    expect(new SourceAuthenticator(hmac('X-Grafana-Alerting-Timestamp'), late).check(headers, wire)).toBe('expired_timestamp');
    const early = new FakeClock(Number(STAMP) * 1000 - 300_001);
    expect(new SourceAuthenticator(hmac('X-Grafana-Alerting-Timestamp'), early).check(headers, wire)).toBe('expired_timestamp');
  });
});
