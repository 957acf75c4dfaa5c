import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, deflateSync, gzipSync } from 'node:zlib';
import { FIXTURES_DIR } from '../../helpers/fixtures';

/** A bad request and the statuses it may get; never a 5xx. */
export interface HostileRequest {
  kind: string;
  source: string;
  body: Buffer;
  headers: Record<string, string>;
  /** Acceptable statuses: a bad body must be refused with one of these (or accepted, when it is still valid). */
  expect: number[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Fixture {
  source: 'alertmanager' | 'grafana' | 'zabbix';
  text: string;
}

/** Every fixture body of the three sources, with the endpoint it belongs to. */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) {
        const rel = path.relative(FIXTURES_DIR, full);
        const source = rel.startsWith('alertmanager') ? 'alertmanager' : rel.startsWith('grafana') ? 'grafana' : 'zabbix';
        out.push({ source, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(FIXTURES_DIR);
  return out;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const REFUSED = [400];
const ANY_VERDICT = [200, 400];

function deepValue(depth: number, kind: 'object' | 'array' | 'mixed'): string {
  if (kind === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;
}

function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) paths(value[k] as Json, [...prefix, k], out);
  return out;
}

function setAt(root: Json, at: (string | number)[], value: Json): Json {
  if (at.length === 0) return value;
  let node = root as Record<string | number, Json>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[at[at.length - 1] as string | number] = value;
  return root;
}

/**
 * Generates hostile requests of many kinds from the fixtures: truncated and type-swapped
 * payloads, deep nesting, huge strings, arrays and keys, prototype keys, invalid UTF-8, wrong
 * content types and encodings, compressed bodies that inflate past the limit. Deterministic
 * for a given `random`.
 */
export class HostileBodies {
  private readonly fixtures = loadFixtures();
  private readonly bombs = new Map<string, Buffer>();
  private readonly kinds: [string, number, () => HostileRequest][] = [
    ['truncated', 14, () => this.truncated()],
    ['type-swapped', 20, () => this.typeSwapped()],
    ['wrong source', 4, () => this.wrongSource()],
    ['deep nesting', 8, () => this.deepNesting()],
    ['huge string', 3, () => this.hugeString()],
    ['huge array', 2, () => this.hugeArray()],
    ['prototype keys', 12, () => this.prototypeKeys()],
    ['invalid utf-8', 10, () => this.invalidUtf8()],
    ['wrong content type', 8, () => this.wrongContentType()],
    ['compressed past the limit', 2, () => this.bomb()],
    ['bad encoding', 4, () => this.badEncoding()],
    ['not an object', 5, () => this.notAnObject()],
    ['hostile timestamps', 8, () => this.hostileTimestamps()],
  ];
  private readonly totalWeight = this.kinds.reduce((s, [, w]) => s + w, 0);

  constructor(
    private readonly random: () => number,
    private readonly limitBytes: number,
  ) {}

  next(): HostileRequest {
    let r = this.random() * this.totalWeight;
    for (const [, weight, make] of this.kinds) {
      r -= weight;
      if (r < 0) return make();
    }
    return this.truncated();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private fixture(): Fixture {
    return this.pick(this.fixtures);
  }

  private json(source: string, body: Json | string, expect: number[], kind: string): HostileRequest {
    return { kind, source, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), headers: JSON_HEADERS, expect };
  }

  private truncated(): HostileRequest {
    const f = this.fixture();
    const text = f.text.trim();
    const cut = 1 + Math.floor(this.random() * (text.length - 1));
    return this.json(f.source, text.slice(0, cut), REFUSED, 'truncated');
  }

  private swapValue(v: Json): Json {
    const options: Json[] = [null, true, 0, -1.5e308, 'text', '', [], {}, [1, 'a', null], { a: { b: [] } }, '{EVENT.ID}', '0001-01-01T00:00:00Z'];
    let out = this.pick(options);
    for (let i = 0; i < 5 && typeof out === typeof v && Array.isArray(out) === Array.isArray(v); i++) out = this.pick(options);
    return out;
  }

  private typeSwapped(): HostileRequest {
    const f = this.fixture();
    const root = JSON.parse(f.text) as Json;
    const all = paths(root);
    const swaps = 1 + Math.floor(this.random() * 3);
    let body = root;
    for (let i = 0; i < swaps; i++) {
      const at = this.pick(all);
      try {
        body = setAt(body, at, this.swapValue(null));
      } catch {
        // The path went away with an earlier swap.
      }
    }
    return this.json(f.source, body, ANY_VERDICT, 'type-swapped');
  }

  private wrongSource(): HostileRequest {
    const f = this.fixture();
    const other = this.pick(['alertmanager', 'grafana', 'zabbix'].filter((s) => s !== f.source));
    return this.json(other, f.text, ANY_VERDICT, 'wrong source');
  }

  private deepNesting(): HostileRequest {
    const depth = 10_000;
    const deep = deepValue(depth, this.pick(['object', 'array', 'mixed'] as const));
    const alert = (field: string) => `{"status":"firing","labels":{"alertname":"Deep"},"startsAt":"2025-03-18T09:00:00Z","fingerprint":"abc123","${field}":${deep}}`;
    const choices: [string, string][] = [
      ['alertmanager', deep],
      ['alertmanager', `{"alerts":${deep}}`],
      ['alertmanager', `{"alerts":[${alert('labels')}]}`],
      ['alertmanager', `{"alerts":[{"status":"firing","labels":{"alertname":"Deep"},"annotations":{"x":${deep}},"startsAt":"2025-03-18T09:00:00Z"}]}`],
      ['alertmanager', `{"alerts":[${alert('generatorURL')}],"extra":${deep}}`],
      ['grafana', `{"alerts":[${alert('values')}]}`],
      ['grafana', `{"alerts":[${alert('dashboardURL')}]}`],
      ['grafana', `{"ruleId":1,"state":"alerting","evalMatches":${deep}}`],
      ['grafana', `{"ruleId":1,"state":"alerting","tags":{"x":${deep}}}`],
      ['zabbix', `{"event_value":"1","event_id":"1","event_name":"x","event_timestamp":"1742288607","event_tags":${JSON.stringify(deep)}}`],
      ['zabbix', `{"event_value":"1","event_id":"1","event_name":"x","event_timestamp":"1742288607","host_host":${deep}}`],
    ];
    const [source, body] = this.pick(choices);
    return this.json(source, body, ANY_VERDICT, 'deep nesting');
  }

  private size(): number {
    // Mostly hundreds of kilobytes, sometimes just under the limit.
    return this.random() < 0.15 ? this.limitBytes - 2048 : 50_000 + Math.floor(this.random() * 500_000);
  }

  private hugeString(): HostileRequest {
    const big = (): string => 'x'.repeat(this.size() - 400);
    // Built lazily: only the chosen body is made.
    const choices: [string, () => string][] = [
      ['alertmanager', () => JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname: 'Huge', v: big() }, startsAt: '2025-03-18T09:00:00Z' }] })],
      ['alertmanager', () => JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname: 'Huge', [big()]: 1 }, startsAt: '2025-03-18T09:00:00Z' }] })],
      ['alertmanager', () => JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname: 'Huge' }, startsAt: big() }] })],
      ['grafana', () => JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname: 'Huge' }, annotations: { description: big() }, startsAt: '2025-03-18T09:00:00Z', fingerprint: 'a'.repeat(100_000) }] })],
      ['zabbix', () => JSON.stringify({ event_value: '1', event_id: '1', event_name: big(), event_timestamp: '1742288607' })],
      ['zabbix', () => JSON.stringify({ event_value: '1', event_id: '9'.repeat(this.size() - 400), event_name: 'x', event_timestamp: '1742288607' })],
    ];
    const [source, make] = this.pick(choices);
    return this.json(source, make(), [200, 400, 413], 'huge string');
  }

  private hugeArray(): HostileRequest {
    // Up to 200,000 elements: a rejection must stay cheap, and each one costs the event loop.
    const n = Math.min(200_000, Math.floor(this.size() / 6));
    const list = (count: number, item: string): string => new Array(count).fill(item).join(',');
    // Past about 125,000 bad values in one label set, zod's issue list overflows the stack.
    const keys = (): string => `{${Array.from({ length: 100_000 + Math.floor(this.random() * 60_000) }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const choices: [string, () => string][] = [
      ['alertmanager', () => `{"alerts":[${list(n, '1')}]}`],
      ['alertmanager', () => `{"alerts":[${list(Math.floor(n / 3), '{}')}]}`],
      ['alertmanager', () => `{"alerts":[{"status":"firing","labels":${keys()},"startsAt":"2025-03-18T09:00:00Z"}]}`],
      ['grafana', () => `{"ruleId":1,"state":"alerting","evalMatches":[${list(Math.floor(n / 3), '{"value":"x"}')}]}`],
      ['zabbix', () => `{"event_value":"1","event_id":"1","event_name":"x","event_timestamp":"1742288607","event_tags":[${list(Math.floor(n / 2), '[]')}]}`],
    ];
    const [source, make] = this.pick(choices);
    return this.json(source, make(), [200, 400, 413], 'huge array');
  }

  private prototypeKeys(): HostileRequest {
    const alert = (labels: string, annotations = '{}') =>
      `{"alerts":[{"status":"firing","labels":${labels},"annotations":${annotations},"startsAt":"2025-03-18T09:00:00Z","fingerprint":"00aa"}]}`;
    const polluted = '{"polluted":"yes","toString":"x","hasOwnProperty":"x"}';
    const choices: [string, string][] = [
      ['alertmanager', `{"__proto__":${alert('{"alertname":"Proto"}')}}`],
      ['alertmanager', `{"__proto__":{"alerts":[]},"constructor":{"prototype":${polluted}}}`],
      ['alertmanager', alert(`{"alertname":"Proto","__proto__":${polluted}}`)],
      ['alertmanager', alert('{"alertname":"Proto","__proto__":"x","constructor":"y","prototype":"z","toString":"t","hasOwnProperty":"h"}')],
      ['alertmanager', alert(`{"alertname":"Proto","constructor":{"prototype":${polluted}}}`)],
      ['alertmanager', alert('{"alertname":"Proto"}', `{"__proto__":${polluted},"constructor":{"prototype":${polluted}}}`)],
      ['alertmanager', alert('{"alertname":"Proto"}', '{"__proto__":"x","constructor":"y","valueOf":"v"}')],
      ['grafana', `{"alerts":[{"status":"firing","labels":{"alertname":"Proto"},"startsAt":"2025-03-18T09:00:00Z","values":{"__proto__":${polluted},"constructor":{"prototype":${polluted}}}}]}`],
      ['grafana', `{"ruleId":7,"state":"alerting","tags":{"__proto__":${polluted},"constructor":"c"},"evalMatches":[{"metric":"__proto__","value":1,"__proto__":${polluted}}]}`],
      ['grafana', `{"__proto__":{"ruleId":1,"state":"alerting"}}`],
      ['zabbix', `{"__proto__":{"event_value":"1","event_id":"1","event_name":"x","event_timestamp":"1742288607"}}`],
      ['zabbix', `{"event_value":"1","event_id":"5","event_name":"x","event_timestamp":"1742288607","constructor":{"prototype":${polluted}},"__proto__":${polluted},"event_tags":[{"tag":"__proto__","value":"x"},{"tag":"constructor","value":"y"},{"tag":"prototype","value":"z"}]}`],
    ];
    const [source, body] = this.pick(choices);
    return this.json(source, body, ANY_VERDICT, 'prototype keys');
  }

  private invalidUtf8(): HostileRequest {
    const f = this.fixture();
    const bytes = Buffer.from(f.text, 'utf8');
    const bad = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x28, 0x8c, 0xbc]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])];
    const parts: Buffer[] = [];
    let from = 0;
    for (let k = 0; k < 1 + Math.floor(this.random() * 4); k++) {
      // Inside a string value (after a quote) or anywhere.
      let at = from + Math.floor(this.random() * (bytes.length - from));
      if (this.random() < 0.7) {
        const q = bytes.indexOf(0x22, at);
        if (q > 0) at = q + 1;
      }
      parts.push(bytes.subarray(from, at), this.pick(bad));
      from = at;
    }
    parts.push(bytes.subarray(from));
    const body = Buffer.concat(parts);
    if (this.random() < 0.2) return { kind: 'invalid utf-8', source: f.source, body: Buffer.concat([Buffer.from([0xfe, 0xff]), body]), headers: JSON_HEADERS, expect: REFUSED };
    return { kind: 'invalid utf-8', source: f.source, body, headers: JSON_HEADERS, expect: ANY_VERDICT };
  }

  private wrongContentType(): HostileRequest {
    const f = this.fixture();
    const type = this.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp', 'json', '', 'text/json', 'application/json-seq', '*/*']);
    return { kind: 'wrong content type', source: f.source, body: Buffer.from(f.text), headers: { 'content-type': type }, expect: [415] };
  }

  private bombBytes(encoding: string): Buffer {
    let bomb = this.bombs.get(encoding);
    if (!bomb) {
      // Valid JSON that inflates to several times the limit: an alerts array padded with spaces.
      const inflated = Buffer.alloc(this.limitBytes * 8, 0x20);
      inflated.write('{"alerts":[');
      inflated.write(']}', inflated.length - 2);
      bomb = encoding === 'br' ? brotliCompressSync(inflated, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }) : encoding === 'deflate' ? deflateSync(inflated) : gzipSync(inflated);
      this.bombs.set(encoding, bomb);
    }
    return bomb;
  }

  private bomb(): HostileRequest {
    const encoding = this.pick(['gzip', 'deflate', 'br', 'x-gzip']);
    const body = this.bombBytes(encoding === 'x-gzip' ? 'gzip' : encoding);
    return { kind: 'compressed past the limit', source: this.fixture().source, body, headers: { ...JSON_HEADERS, 'content-encoding': encoding }, expect: [413] };
  }

  private badEncoding(): HostileRequest {
    const f = this.fixture();
    const choice = Math.floor(this.random() * 4);
    if (choice === 0) {
      const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(f.text.slice(0, 200))]);
      return { kind: 'bad encoding', source: f.source, body: garbage, headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' }, expect: [400] };
    }
    if (choice === 1) {
      const cut = gzipSync(Buffer.from(f.text));
      return { kind: 'bad encoding', source: f.source, body: cut.subarray(0, Math.floor(cut.length / 2)), headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' }, expect: [400] };
    }
    const encoding = this.pick(['compress', 'zstd', 'gzip, br', 'identity, gzip', 'x-unknown']);
    return { kind: 'bad encoding', source: f.source, body: Buffer.from(f.text), headers: { ...JSON_HEADERS, 'content-encoding': encoding }, expect: [415] };
  }

  private notAnObject(): HostileRequest {
    const body = this.pick(['', ' ', 'null', '[]', '""', '0', 'true', '1e999', 'NaN', '{"alerts":null}', '{"alerts":{}}', '\uFEFF{"alerts":[]}', '{}{}', '{"alerts":[]} x', '\u0000']);
    return this.json(this.pick(['alertmanager', 'grafana', 'zabbix']), body, REFUSED, 'not an object');
  }

  private hostileTimestamps(): HostileRequest {
    const stamp = this.pick([
      '9999-12-31T23:59:59.999999999Z',
      '0000-01-01T00:00:00Z',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-03-18T24:00:00Z',
      '2025-03-18T09:00:00.1234567890Z',
      '2025-03-18T09:00:00+99:99',
      '+275760-09-13T00:00:00Z',
      '1742288607',
      '2025-03-18T09:00:00',
    ]);
    if (this.random() < 0.7) {
      const body = { alerts: [{ status: 'resolved', labels: { alertname: 'HostileTime', n: String(Math.floor(this.random() * 50)) }, startsAt: stamp, endsAt: this.pick([stamp, '0001-01-01T00:00:00Z', '2025-03-18T09:00:00Z']) }] };
      return this.json(this.pick(['alertmanager', 'grafana']), body, ANY_VERDICT, 'hostile timestamps');
    }
    const seconds = this.pick(['99999999999', '0', '-1', '1e10', '1742288607.5', '']);
    const date = this.pick(['9999.12.31', '2025.02.30', '0000.00.00', '2025.03.18']);
    const body = { event_value: '0', event_id: String(1 + Math.floor(this.random() * 50)), event_name: 'HostileTime', event_timestamp: seconds, event_date: date, event_time: this.pick(['25:00:00', '23:59:60', '12:00:00']), event_recovery_timestamp: seconds, event_timezone: this.pick(['+14:00', '-12:00', '+15:00', 'Europe/Moscow', 'UTC']) };
    return this.json('zabbix', body, ANY_VERDICT, 'hostile timestamps');
  }
}
