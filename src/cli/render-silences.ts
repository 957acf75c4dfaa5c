import { clean, truncate } from './render-incidents';

/** A silence in the API's JSON, as the command line shows it. */
export interface SilenceJson {
  id: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  expiredAt?: string | null;
  status: string;
}

/** Width of the comment column when the terminal's width is unknown (output to a pipe or a file). */
const DEFAULT_COMMENT_CHARS = 60;
const MIN_COMMENT_CHARS = 20;

/**
 * The silences as a table for a person: id, status, start and end (UTC), author, matchers, and
 * the comment, cut to fit `columns` (the terminal's width) or to 60 characters.
 */
export function renderSilenceTable(silences: readonly SilenceJson[], columns?: number): string {
  if (silences.length === 0) return 'no silences\n';
  const header = ['ID', 'STATUS', 'STARTS (UTC)', 'ENDS (UTC)', 'BY', 'MATCHERS'];
  const rows = silences.map((s) => [s.id, s.status, utc(s.startsAt), utc(s.endsAt), s.createdBy, s.matchers.join(', ')].map(clean));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const commentChars = columns ? Math.max(MIN_COMMENT_CHARS, columns - used) : DEFAULT_COMMENT_CHARS;
  const line = (cells: string[], comment: string) => `${cells.map((c, k) => c.padEnd(widths[k] as number)).join('  ')}  ${truncate(comment, commentChars)}`.trimEnd();
  return `${[line(header, 'COMMENT'), ...rows.map((r, k) => line(r, clean((silences[k] as SilenceJson).comment)))].join('\n')}\n`;
}

/** One line after `expire`: `silence ID expired at 2026-05-04 11:15:00 UTC: alertname="DiskFull"`. */
export function renderSilenceExpired(s: SilenceJson): string {
  return `${clean(`silence ${s.id} expired at ${utc(s.endsAt)} UTC: ${s.matchers.join(', ')}`)}\n`;
}

/** `2026-05-04 10:01:00`, in UTC. */
function utc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
