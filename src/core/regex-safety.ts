/** Where and why a regular expression can take exponential time on a crafted label value. */
export interface BacktrackingRisk {
  /** Offset of the offending group inside the regex source. */
  index: number;
  /** The group with its quantifier, as written: `(a+)+`. */
  fragment: string;
  reason: 'nested quantifier' | 'repeated alternation';
}

interface Frame {
  start: number;
  /** The group holds an unbounded quantifier (`*`, `+`, `{n,}`) at any depth. */
  unbounded: boolean;
  alternatives: string[];
  current: string;
}

/**
 * Finds the classic shapes of catastrophic backtracking in a JavaScript regex source: an
 * unbounded quantifier applied to a group that itself repeats without bound (`(a+)+`, `(a*)*`,
 * `(.*)*`, `(?:x+y)*`) and a repeated group with two identical alternatives (`(a|a)*`). It is
 * deliberately narrow: it reports only what it can prove, and returns null otherwise. Pure.
 */
export function findCatastrophicBacktracking(source: string): BacktrackingRisk | null {
  const root: Frame = { start: -1, unbounded: false, alternatives: [], current: '' };
  const stack: Frame[] = [root];
  let i = 0;
  while (i < source.length) {
    const frame = stack[stack.length - 1] as Frame;
    const ch = source[i] as string;
    if (ch === '\\') {
      frame.current += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '[') {
      const end = classEnd(source, i);
      frame.current += source.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '(') {
      stack.push({ start: i, unbounded: false, alternatives: [], current: '' });
      i += groupPrefixLength(source, i);
      continue;
    }
    if (ch === '|') {
      frame.alternatives.push(frame.current);
      frame.current = '';
      i++;
      continue;
    }
    if (ch === ')' && stack.length > 1) {
      stack.pop();
      const parent = stack[stack.length - 1] as Frame;
      const quantifier = readQuantifier(source, i + 1);
      const fragment = source.slice(frame.start, i + 1 + quantifier.length);
      if (quantifier.unbounded) {
        if (frame.unbounded) return { index: frame.start, fragment, reason: 'nested quantifier' };
        const alternatives = [...frame.alternatives, frame.current];
        if (new Set(alternatives).size < alternatives.length) return { index: frame.start, fragment, reason: 'repeated alternation' };
      }
      parent.unbounded ||= frame.unbounded || quantifier.unbounded;
      parent.current += fragment;
      i += 1 + quantifier.length;
      continue;
    }
    const quantifier = readQuantifier(source, i);
    if (quantifier.length > 0) {
      frame.unbounded ||= quantifier.unbounded;
      frame.current += source.slice(i, i + quantifier.length);
      i += quantifier.length;
      continue;
    }
    frame.current += ch;
    i++;
  }
  return null;
}

function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, source.length);
}

function groupPrefixLength(source: string, start: number): number {
  if (source[start + 1] !== '?') return 1;
  const named = /^\(\?<[A-Za-z_$][\w$]*>/.exec(source.slice(start));
  if (named) return named[0].length;
  const look = /^\(\?(?:<=|<!|[:=!])/.exec(source.slice(start));
  return look ? look[0].length : 1;
}

/** The quantifier at `i` (with its lazy `?`), its length, and whether it repeats without bound. */
function readQuantifier(source: string, i: number): { length: number; unbounded: boolean } {
  const ch = source[i];
  let length = 0;
  let unbounded = false;
  if (ch === '*' || ch === '+') {
    length = 1;
    unbounded = true;
  } else if (ch === '?') {
    length = 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (m) {
      length = m[0].length;
      unbounded = m[2] !== undefined && m[3] === '';
    }
  }
  if (length > 0 && source[i + length] === '?') length++;
  return { length, unbounded };
}
