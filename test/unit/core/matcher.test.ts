import { MatcherSyntaxError, matchesAll, parseMatchers } from '../../../src/core/matcher';

const labels = { alertname: 'CheckoutErrorRateHigh', severity: 'critical', env: 'prod' };

describe('parseMatchers', () => {
  test.each([
    ['alertname="CheckoutErrorRateHigh"', true],
    ['alertname = "CheckoutErrorRateHigh"', true],
    ['alertname=CheckoutErrorRateHigh', true],
    ['alertname="Checkout"', false],
    ['alertname!="Checkout"', true],
    ['alertname=~"Checkout.*"', true],
    ['alertname=~"Checkout"', false],
    ['alertname=~"ErrorRate"', false],
    ['alertname!~"Checkout.*"', false],
    ['severity=~"critical|page"', true],
    ['severity=~"(?i)CRITICAL"', true],
    ['team=""', true],
    ['team!=""', false],
    ['team=~".*"', true],
    ['{alertname=~"Checkout.*", severity="critical"}', true],
    ['{alertname=~"Checkout.*", severity="warning"}', false],
    ['alertname="CheckoutErrorRateHigh",env="prod",', true],
  ])('%s matches: %s', (text, expected) => {
    expect(matchesAll(parseMatchers(text), labels)).toBe(expected);
  });

  test('unescapes quoted values', () => {
    const [m] = parseMatchers('summary="say \\"hi\\", then \\\\ go"');
    expect(m?.value).toBe('say "hi", then \\ go');
    expect(matchesAll(parseMatchers('summary="a,b"'), { summary: 'a,b' })).toBe(true);
  });

  test.each([
    ['', 0, 'expected a label name'],
    ['="x"', 0, 'expected a label name'],
    ['alertname', 9, 'expected one of'],
    ['alertname=="x"', 11, 'unexpected'],
    ['alertname="x', 10, 'unterminated'],
    ['alertname=~"(unclosed"', 11, 'invalid regular expression'],
    ['{alertname="x"', 14, 'expected "}"'],
  ])('rejects %j at offset %d', (text, offset, message) => {
    let caught: unknown;
    try {
      parseMatchers(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatcherSyntaxError);
    expect((caught as MatcherSyntaxError).offset).toBe(offset);
    expect((caught as MatcherSyntaxError).message).toContain(message);
  });

  test('keeps regex escapes inside quoted values', () => {
    const [m] = parseMatchers('instance=~"https?://checkout\\.example\\.net/.*"');
    expect(m?.value).toBe('https?://checkout\\.example\\.net/.*');
    expect(matchesAll([m!], { instance: 'https://checkout.example.net/health' })).toBe(true);
    expect(matchesAll([m!], { instance: 'https://checkoutXexample.net/health' })).toBe(false);
    expect(matchesAll(parseMatchers('code=~"5\\d\\d"'), { code: '503' })).toBe(true);
  });

  test('does not read inherited properties as labels', () => {
    expect(matchesAll(parseMatchers('constructor=~".+"'), {})).toBe(false);
    expect(matchesAll(parseMatchers('toString=""'), {})).toBe(true);
  });
});
