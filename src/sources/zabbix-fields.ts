import type { Issue } from '../core/errors';

// `{EVENT.RECOVERY.ID}`, `{$ZABBIX.URL}`, `{$MACRO:"context"}`, `{EVENT.TAGS.team}`, `{#LLD.MACRO}`.
const MACRO = /^\{\$?[A-Z#?][A-Z0-9_]*(?:\.[A-Za-z0-9_]+)*(?::[^{}]*)?\}$/;
// A macro function such as `{{ITEM.VALUE}.regsub("(\d+)", \1)}`.
const MACRO_FUNCTION = /^\{\{[^{}]+\}\.[a-z]+\(.*\)\}$/s;

/** True for text that Zabbix left as the macro itself because the macro does not apply, e.g. `{EVENT.RECOVERY.ID}`. */
export function isUnexpandedMacro(text: string): boolean {
  const t = text.trim();
  return MACRO.test(t) || MACRO_FUNCTION.test(t);
}

/**
 * The body's top-level fields as incident-bridge reads them, in a prototype-free object: numbers and
 * booleans become strings; null, blank text and unexpanded macros become absent; arrays and objects stay.
 */
export function presentFields(body: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (typeof value === 'string') {
      if (value.trim() !== '' && !isUnexpandedMacro(value)) out[key] = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      out[key] = String(value);
    } else if (value !== null && value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

const UNIX_SECONDS = /^\d{1,11}$/;
const DATE = /^(\d{4})\.(\d{2})\.(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * Minutes east of UTC from the optional `event_timezone` field: `UTC`, `Z`, `+03:00` or `-0530`.
 * UTC when absent; null when unreadable (a zone name such as `Europe/Moscow` is not accepted).
 */
export function offsetMinutes(text: string | undefined): number | null {
  if (text === undefined) return 0;
  const t = text.trim();
  if (/^(?:utc|gmt|z)$/i.test(t)) return 0;
  const m = OFFSET.exec(t);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return m[1] === '-' ? -minutes : minutes;
}

/** A moment read from the body: epoch ms, absent (`null`), or what is wrong with it. */
export type Moment = { ms: number | null } | { issue: Issue };

/**
 * One Zabbix moment: `<prefix>_timestamp` (Unix seconds; newer Zabbix servers expand it) wins, else
 * `<prefix>_date` (`yyyy.mm.dd`) with `<prefix>_time` (`hh:mm:ss`). Zabbix writes those in the
 * recipient user's time zone without an offset, so they are read at `offset` minutes east of UTC.
 */
export function readMoment(fields: Record<string, unknown>, prefix: string, offset: number): Moment {
  const stampKey = `${prefix}_timestamp`;
  const stamp = fields[stampKey];
  if (stamp !== undefined) {
    if (typeof stamp === 'string' && UNIX_SECONDS.test(stamp.trim())) return { ms: Number(stamp.trim()) * 1000 };
    return { issue: { path: stampKey, message: 'expected Unix seconds' } };
  }
  const date = fields[`${prefix}_date`];
  const time = fields[`${prefix}_time`];
  if (date === undefined && time === undefined) return { ms: null };
  const d = typeof date === 'string' ? DATE.exec(date.trim()) : null;
  if (!d) return { issue: { path: `${prefix}_date`, message: 'expected a date as yyyy.mm.dd' } };
  const t = typeof time === 'string' ? TIME.exec(time.trim()) : null;
  if (!t) return { issue: { path: `${prefix}_time`, message: 'expected a time as hh:mm:ss' } };
  const [year, month, day, hour, minute, second] = [d[1], d[2], d[3], t[1], t[2], t[3]].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (hour > 23 || minute > 59 || second > 59) return { issue: { path: `${prefix}_time`, message: `no such time: ${String(time)}` } };
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return { issue: { path: `${prefix}_date`, message: `no such date: ${String(date)}` } };
  return { ms: ms - offset * 60_000 };
}

/** One Zabbix event tag as `{EVENT.TAGSJSON}` lists it. */
export interface ZabbixTag {
  tag: string;
  value: string;
}

const BACK_REFERENCE = /^__zbx_/;

/**
 * Event tags as labels. A name that is not a valid label name gets `_` for each bad character (and a
 * leading `_` before a digit); repeated names join their distinct values with `,`; a name in
 * `reserved` becomes `tag_<name>` so that no tag overrides a label the source sets itself. The
 * `__zbx_*` tags that the incident-bridge media type attaches to a problem are left out.
 */
export function tagLabels(tags: readonly ZabbixTag[], reserved: ReadonlySet<string>): Map<string, string> {
  const values = new Map<string, string[]>();
  for (const { tag, value } of tags) {
    if (tag === '' || BACK_REFERENCE.test(tag)) continue;
    let name = tag.replace(/[^a-zA-Z0-9_]/g, '_');
    if (/^[0-9]/.test(name)) name = `_${name}`;
    if (reserved.has(name)) name = `tag_${name}`;
    const list = values.get(name) ?? [];
    if (!list.includes(value)) list.push(value);
    values.set(name, list);
  }
  const labels = new Map<string, string>();
  for (const [name, list] of values) labels.set(name, list.filter((v) => v !== '').join(','));
  return labels;
}
