// Copies the SQL migrations of both stores next to the compiled stores, which read them at start.
const fs = require('node:fs');
const path = require('node:path');

for (const store of ['sqlite', 'postgres']) {
  const from = path.join(__dirname, '..', 'src', 'store', store, 'migrations');
  const to = path.join(__dirname, '..', 'dist', 'store', store, 'migrations');
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) {
    if (name.endsWith('.sql')) fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}
fs.chmodSync(path.join(__dirname, '..', 'dist', 'main.js'), 0o755);
