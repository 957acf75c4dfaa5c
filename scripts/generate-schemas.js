// Writes schemas/*.schema.json from the compiled zod schemas (run `npm run build` first, or
// `npm run schemas`, which does). A unit test fails when the committed files are stale.
const { writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');
const { generateJsonSchemas } = require('../dist/cli/json-schemas');

const dir = path.join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(generateJsonSchemas())) {
  writeFileSync(path.join(dir, name), text);
  process.stdout.write(`wrote schemas/${name}\n`);
}
