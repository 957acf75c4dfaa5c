// Copies the SQL migrations next to the compiled store, which reads them at start.
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'store', 'sqlite', 'migrations');
const to = path.join(__dirname, '..', 'dist', 'store', 'sqlite', 'migrations');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (name.endsWith('.sql')) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
fs.chmodSync(path.join(__dirname, '..', 'dist', 'main.js'), 0o755);
