/**
 * Splitting of simple HTML (the b, i, a, code, pre subset that renderHtml writes) into parts that
 * each fit a size limit and stand alone: a part never cuts a tag or an entity, and every tag opened
 * in a part is closed in it.
 */

interface OpenTag {
  name: string;
  open: string;
}

// A tag, an entity or one code point (the `u` flag keeps surrogate pairs together).
// How far back a cut may move to end a part at a space rather than inside a word.
const MAX_REWIND = 200;

const TOKEN = /<[^<>]*>|&(?:#\d+|#x[\da-f]+|[a-z]+);|[\s\S]/giu;

function tokenize(html: string): string[] {
  return html.match(TOKEN) ?? [];
}

function tagOf(token: string): { name: string; closing: boolean } | null {
  const m = /^<(\/?)([a-z][a-z0-9-]*)/i.exec(token);
  return m ? { name: (m[2] ?? '').toLowerCase(), closing: m[1] === '/' } : null;
}

function closeAll(stack: readonly OpenTag[]): string {
  return [...stack].reverse().map((t) => `</${t.name}>`).join('');
}

/** Units that can be joined with '\n' and cut between: complete lines, or line runs inside a tag. */
function balancedLines(html: string): string[] {
  const units: string[] = [];
  let current = '';
  let depth = 0;
  for (const token of tokenize(html)) {
    const tag = tagOf(token);
    if (tag) depth = Math.max(0, depth + (tag.closing ? -1 : 1));
    if (token === '\n' && depth === 0) {
      units.push(current);
      current = '';
    } else current += token;
  }
  units.push(current);
  return units;
}

/**
 * Cuts one overlong unit at token boundaries, preferring the last space of the piece, closing the
 * open tags at each cut and reopening them after.
 */
function cutUnit(unit: string, limit: number): string[] {
  const pieces: string[] = [];
  const stack: OpenTag[] = [];
  let current = '';
  let reopened = 0;
  let space = -1;
  for (const token of tokenize(unit)) {
    const tag = tagOf(token);
    const reserve = closeAll(stack).length + (tag && !tag.closing ? tag.name.length + 3 : 0);
    // Cut only after some text, so a part is never just the tags reopened from the previous one.
    if (current.length > reopened && current.length + token.length + reserve > limit) {
      // Rewinding to a space is safe only when no tag came after it: the open tags are still the same.
      const at = space > reopened && current.length - space <= MAX_REWIND ? space : current.length;
      const carry = current.slice(at);
      pieces.push(current.slice(0, at) + closeAll(stack));
      current = stack.map((t) => t.open).join('');
      reopened = current.length;
      current += carry;
      space = -1;
    }
    current += token;
    if (tag) space = -1;
    else if (token === ' ') space = current.length;
    if (tag && tag.closing) stack.pop();
    else if (tag) stack.push({ name: tag.name, open: token });
  }
  if (current.length > reopened) pieces.push(current + closeAll(stack));
  return pieces;
}

/**
 * Splits HTML into parts of at most `limit` characters, in order, losing no text: parts break at
 * line breaks outside tags, and a single overlong line is cut between tokens with its tags closed
 * and reopened. Blank edges of each part are trimmed and empty parts dropped.
 */
export function splitHtml(html: string, limit: number): string[] {
  if (html.length <= limit) return [html];
  const parts: string[] = [];
  let current: string | null = null;
  const flush = (): void => {
    const trimmed = (current ?? '').replace(/^\n+|\n+$/g, '');
    if (trimmed.trim() !== '') parts.push(trimmed);
    current = null;
  };
  for (const unit of balancedLines(html)) {
    for (const piece of unit.length > limit ? cutUnit(unit, limit) : [unit]) {
      if (current !== null && current.length + 1 + piece.length > limit) flush();
      current = current === null ? piece : `${current}\n${piece}`;
    }
  }
  flush();
  return parts;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The plain text of simple HTML: tags dropped, entities decoded, and a link `<a href="u">l</a>`
 * written `l (u)`; never longer than the HTML it comes from.
 */
export function htmlToPlainText(html: string): string {
  const decode = (s: string): string =>
    s.replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  const withLinks = html.replace(/<a\s+href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => `${label} (${href})`);
  return decode(withLinks.replace(/<[^<>]*>/g, ''));
}
