import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { ZodError } from 'zod';
import type { FileProblem } from '../core/errors';

/** A parsed YAML file that still knows where each value came from. */
export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses YAML text, keeping node positions; syntax errors come back as `FILE:LINE:COL` problems. */
export function parseYamlFile(file: string, text: string): { yaml: YamlFile; problems: FileProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yaml = { file, doc, lines };
  const problems: FileProblem[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, col: pos.col, message: firstLine(e.message), severity: 'error' });
  }
  return { yaml, problems };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * Locates a value by its path: the deepest node that exists on the path, so a missing key
 * points at the mapping that should hold it. Line and column start at 1.
 */
export function positionOf(yaml: YamlFile, path: readonly PropertyKey[], atKey = false): { line: number; col: number } {
  let node: unknown = yaml.doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      // A key whose value is empty has no useful range: point at the key instead.
      node = (atKey && i === path.length - 1) || pair.value === null ? pair.key : pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      break;
    }
    if (isNode(node)) best = node;
    else break;
  }
  const offset = best?.range?.[0] ?? 0;
  return yaml.lines.linePos(offset);
}

/** A problem at the node found by `path`. */
export function problemAt(yaml: YamlFile, path: readonly PropertyKey[], message: string, severity: FileProblem['severity'] = 'error', atKey = false): FileProblem {
  const { line, col } = positionOf(yaml, path, atKey);
  return { file: yaml.file, line, col, message, severity };
}

/**
 * A problem `offset` characters into a scalar's text (a matcher, a template), found by `path`: the
 * column counts the opening quote of a quoted scalar. Exact on the scalar's first line.
 */
export function scalarProblem(yaml: YamlFile, path: readonly PropertyKey[], offset: number, message: string): FileProblem {
  const node = yaml.doc.getIn(path, true);
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
  const { line, col } = positionOf(yaml, path);
  return { file: yaml.file, line, col: col + quoted + offset, message, severity: 'error' };
}

/** Turns zod's issues into located problems that name the key: `sources[0].type: ...`. */
export function zodProblems(yaml: YamlFile, error: ZodError): FileProblem[] {
  const problems = error.issues.flatMap((issue) => {
    const path = issue.path as PropertyKey[];
    const prefix = path.length > 0 ? `${formatPath(path)}: ` : '';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => problemAt(yaml, [...path, key], `${prefix}unknown key "${key}"`, 'error', true));
    }
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    return [problemAt(yaml, path, `${prefix}${missing ? 'required key is missing' : issue.message}`)];
  });
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Renders a value path the way a user reads it: `metrics[2].matchers[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` inside string values (never inside keys or the
 * YAML syntax itself, so a variable cannot inject structure); `$$` stands for `$`. Returns a
 * problem for every variable that is unset and has no default.
 */
export function expandEnvironment(yaml: YamlFile, env: NodeJS.ProcessEnv): FileProblem[] {
  const problems: FileProblem[] = [];
  visit(yaml.doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      node.value = node.value.replace(VARIABLE, (whole, name: string | undefined, fallback: string | undefined) => {
        if (whole === '$$') return '$';
        const value = env[name as string];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        const pos = yaml.lines.linePos(node.range?.[0] ?? 0);
        problems.push({ file: yaml.file, line: pos.line, col: pos.col, message: `environment variable ${name} is not set and has no default`, severity: 'error' });
        return '';
      });
    },
  });
  return problems;
}
