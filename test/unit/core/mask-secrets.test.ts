import { PassThrough } from 'node:stream';
import { createSecretMasker, secretMaskingReplacer } from '../../../src/core/mask-secrets';
import { createLogger } from '../../../src/core/logger';

describe('masking secrets', () => {
  test('every occurrence is masked, a longer secret whole even when it contains a shorter one', () => {
    const mask = createSecretMasker(['abcd', 'xx-abcd-yy', 'abc']);
    expect(mask?.('abcd and xx-abcd-yy, abc')).toBe('[REDACTED] and [REDACTED], abc');
    expect(createSecretMasker(['abc', ''])).toBeNull();
  });

  test('the replacer masks string values at any depth, for JSON answers', () => {
    const replacer = secretMaskingReplacer(['token-0123456789']);
    expect(JSON.stringify({ message: 'GET /x/token-0123456789 not found', detail: { list: ['token-0123456789'] }, n: 1 }, replacer)).toBe(
      '{"message":"GET /x/[REDACTED] not found","detail":{"list":["[REDACTED]"]},"n":1}',
    );
    expect(secretMaskingReplacer([])).toBeUndefined();
  });

  test('the logger masks them in messages and fields', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    const logger = createLogger({ secrets: ['token-0123456789'], stream });
    logger.warn('refused token-0123456789', { path: '/api/token-0123456789', error: new Error('bad token-0123456789') });
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain('token-0123456789');
  });
});
