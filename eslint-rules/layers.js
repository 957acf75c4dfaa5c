// The layers of src/ and what each may import. A lower layer never imports a higher one, so
// config does not know channels and sources do not know health models. Type-only imports count:
// a type pulls its module's vocabulary along with it.
const path = require('node:path');

/**
 * Every top folder of src/ (and every file at its root, without `.ts`), lowest first, with the
 * folders it may import besides its own. `'*'` means anything. A folder missing here is an error:
 * place a new folder in this table when you add it.
 */
const LAYERS = [
  ['core', []],
  ['sources', ['core']],
  ['config', ['core', 'sources']],
  ['health-model', ['core', 'config', 'sources']],
  ['quiet', ['core', 'config', 'sources', 'health-model']],
  ['sla', ['core', 'config']],
  ['store', ['core', 'config']],
  ['incidents', ['core', 'config', 'sources', 'health-model', 'quiet', 'sla', 'store']],
  ['notify', ['core', 'config', 'quiet', 'sla', 'store', 'incidents']],
  ['people', ['core', 'config']],
  ['rule-tests', ['core', 'config', 'sources', 'health-model', 'quiet', 'sla', 'store', 'incidents', 'notify', 'people']],
  ['http', ['core', 'config', 'sources', 'health-model', 'quiet', 'sla', 'store', 'incidents', 'notify', 'people', 'rule-tests']],
  ['sla-thread', '*'],
  ['cli', '*'],
  ['app', '*'],
  ['main', '*'],
];

const RANK = new Map(LAYERS.map(([name], i) => [name, i]));
const ALLOWED = new Map(LAYERS);

// The order is the rule: a layer lists only layers below it, so the table cannot allow a cycle.
for (const [name, allowed] of LAYERS) {
  if (allowed === '*') continue;
  for (const dep of allowed) {
    if (!(RANK.get(dep) < RANK.get(name))) throw new Error(`eslint-rules/layers.js: ${name} lists ${dep}, which is not a layer below it`);
  }
}

/** `src/config`, or `src/app.ts` for a file at the root of src/. */
function display(unit, isFile) {
  return `src/${unit}${isFile ? '.ts' : ''}`;
}

/** The layer of a path inside srcDir: its first segment, `.ts` removed; null outside srcDir. */
function unitOf(srcDir, file) {
  const rel = path.relative(srcDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const [first, ...rest] = rel.split(path.sep);
  return { name: first.replace(/\.(d\.)?[cm]?[jt]s$/, ''), isFile: rest.length === 0 };
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder of src/ imports only the layers below it (the table in eslint-rules/layers.js).' },
    schema: [{ type: 'object', properties: { srcDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      higher: '{{from}} may not import {{to}} (higher layer)',
      notAllowed: '{{from}} may not import {{to}} ({{from}} may import only {{allowed}})',
      unknown: '{{unit}} is not in the layer table of eslint-rules/layers.js; add it there',
    },
  },
  create(context) {
    const cwd = context.cwd;
    const srcDir = path.resolve(cwd, context.options[0]?.srcDir ?? 'src');
    const filename = path.resolve(cwd, context.filename);
    const from = unitOf(srcDir, filename);
    if (from === null) return {};
    const allowed = ALLOWED.get(from.name);

    function check(source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = unitOf(srcDir, path.resolve(path.dirname(filename), source.value));
      if (to === null || to.name === from.name || allowed === undefined) return;
      if (allowed === '*' || allowed.includes(to.name)) return;
      const data = { from: display(from.name, from.isFile), to: display(to.name, to.isFile) };
      if (!RANK.has(to.name)) {
        context.report({ node: source, messageId: 'unknown', data: { unit: data.to } });
      } else if (RANK.get(to.name) > RANK.get(from.name)) {
        context.report({ node: source, messageId: 'higher', data });
      } else {
        const list = allowed.length > 0 ? allowed.map((u) => `src/${u}`).join(', ') : 'nothing else in src/';
        context.report({ node: source, messageId: 'notAllowed', data: { ...data, allowed: list } });
      }
    }

    return {
      Program(node) {
        if (allowed === undefined) context.report({ node, messageId: 'unknown', data: { unit: display(from.name, from.isFile) } });
      },
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => check(node.moduleReference.expression),
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) check(node.arguments[0]);
      },
    };
  },
};

module.exports = { rule, LAYERS };
