import { findCatastrophicBacktracking } from './regex-safety';

/** Alertmanager's matcher operators. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher: a missing label matches as the empty string, as in Alertmanager. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** The anchored regular expression, for `=~` and `!~`. */
  regex?: RegExp;
  /** The matcher as written back in Alertmanager syntax: `name=~"value"`. */
  text: string;
}

/** Thrown by parseMatchers with the character offset of the mistake inside the text. */
export class MatcherSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OPERATOR = /=~|!~|!=|=/y;

/**
 * Parses Alertmanager matcher syntax: one matcher (`severity="critical"`) or several separated by
 * commas, optionally inside braces (`{job="api", code=~"5.."}`). Values may be quoted (with `\"`,
 * `\\`, `\n` escapes) or bare. Regexes are anchored on both ends; a leading `(?i)` makes one
 * case-insensitive. Throws MatcherSyntaxError.
 */
export function parseMatchers(text: string): Matcher[] {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  skipSpace();
  const braced = text[i] === '{';
  if (braced) i++;
  const out: Matcher[] = [];
  for (;;) {
    skipSpace();
    if (braced && text[i] === '}' && out.length === 0) break;
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (!name) throw new MatcherSyntaxError('expected a label name', i);
    i = NAME.lastIndex;
    skipSpace();
    OPERATOR.lastIndex = i;
    const op = OPERATOR.exec(text);
    if (!op) throw new MatcherSyntaxError('expected one of =, !=, =~, !~', i);
    i = OPERATOR.lastIndex;
    skipSpace();
    const valueStart = i;
    let value: string;
    if (text[i] === '"') {
      [value, i] = readQuoted(text, i);
    } else {
      const end = findBareEnd(text, i, braced);
      value = text.slice(i, end).trim();
      const quote = value.indexOf('"');
      if (quote >= 0) throw new MatcherSyntaxError('unexpected \'"\' in an unquoted value', i + quote);
      i = end;
    }
    out.push(buildMatcher(name[0], op[0] as MatchOp, value, valueStart));
    skipSpace();
    if (text[i] === ',') {
      i++;
      skipSpace();
      if ((braced && text[i] === '}') || (!braced && i >= text.length)) break;
      continue;
    }
    break;
  }
  if (braced) {
    if (text[i] !== '}') throw new MatcherSyntaxError('expected "}"', i);
    i++;
  }
  skipSpace();
  if (i < text.length) throw new MatcherSyntaxError(`unexpected "${text.slice(i, i + 10)}"`, i);
  if (out.length === 0) throw new MatcherSyntaxError('no matcher', 0);
  return out;
}

function readQuoted(text: string, start: number): [string, number] {
  let i = start + 1;
  let value = '';
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      // Only \" \\ \n \t are escapes; any other backslash stays, so regex escapes such as \. and \d survive.
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next === '"' || next === '\\' ? next : `\\${next}`;
      i += 2;
    } else {
      value += text[i];
      i++;
    }
  }
  if (text[i] !== '"') throw new MatcherSyntaxError('unterminated quoted value', start);
  return [value, i + 1];
}

function findBareEnd(text: string, start: number, braced: boolean): number {
  let i = start;
  while (i < text.length && text[i] !== ',' && !(braced && text[i] === '}')) i++;
  return i;
}

function buildMatcher(name: string, op: MatchOp, value: string, offset: number): Matcher {
  // Written back as a user would write it: only quotes escaped, regex backslashes left alone.
  const text = `${name}${op}"${value.replace(/"/g, '\\"')}"`;
  if (op === '=' || op === '!=') return { name, op, value, text };
  let source = value;
  let flags = 'u';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags += 'i';
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`, flags);
  } catch (error) {
    // V8 says "Invalid regular expression: /<source>/u: <reason>": keep the reason only.
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new MatcherSyntaxError(`invalid regular expression: ${reason}`, offset);
  }
  // Label values come from outside: a regex that backtracks exponentially would stall ingest.
  const risk = findCatastrophicBacktracking(source);
  if (risk) throw new MatcherSyntaxError(`regular expression can backtrack catastrophically: ${risk.reason} in "${risk.fragment}"`, offset);
  return { name, op, value, text, regex };
}

/** True when the label set satisfies the matcher. */
export function matches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const actual = Object.hasOwn(labels, matcher.name) ? (labels[matcher.name] as string) : '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return (matcher.regex as RegExp).test(actual);
    case '!~':
      return !(matcher.regex as RegExp).test(actual);
  }
}

/** True when every matcher is satisfied (an empty list matches everything). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of matchers) if (!matches(m, labels)) return false;
  return true;
}
