import { parseMatchers } from '../../../src/core/matcher';
import { findCatastrophicBacktracking } from '../../../src/core/regex-safety';

describe('catastrophic backtracking', () => {
  test.each([
    ['(a+)+', 0, '(a+)+', 'nested quantifier'],
    ['(a*)*', 0, '(a*)*', 'nested quantifier'],
    ['x(.*)*y', 1, '(.*)*', 'nested quantifier'],
    ['(?:\\d+\\.)+com', 0, '(?:\\d+\\.)+', 'nested quantifier'],
    ['((ab)+c)*', 0, '((ab)+c)*', 'nested quantifier'],
    ['(a{2,})+', 0, '(a{2,})+', 'nested quantifier'],
    ['(x+x+){3,}y', 0, '(x+x+){3,}', 'nested quantifier'],
    ['(a|a)*', 0, '(a|a)*', 'repeated alternation'],
    ['(?<word>\\w+\\s?)*$', 0, '(?<word>\\w+\\s?)*', 'nested quantifier'],
  ])('%s is reported at %i', (source, index, fragment, reason) => {
    expect(findCatastrophicBacktracking(source)).toEqual({ index, fragment, reason });
  });

  test.each([
    'https?://(www\\.|api\\.)?example\\.net/.*',
    'Postgres(ql)?ReplicationLag(High)?',
    'NodeFilesystem(AlmostOutOfSpace|SpaceFillingUp)',
    '(a+)?',
    '(ab){1,3}',
    '[(a+)+]',
    '\\(a+\\)+',
    '(a|b)*',
    '(?:x)+y+',
    '.*',
  ])('%s is safe', (source) => {
    expect(findCatastrophicBacktracking(source)).toBeNull();
  });

  test('a matcher with such a regex is a syntax error at its value', () => {
    expect(() => parseMatchers('instance=~"(a+)+"')).toThrow('regular expression can backtrack catastrophically: nested quantifier in "(a+)+"');
    expect(() => parseMatchers('instance=~"(?i)(a|a)+b"')).toThrow('repeated alternation in "(a|a)+"');
  });
});
