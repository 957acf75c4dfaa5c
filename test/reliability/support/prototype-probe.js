'use strict';

/*
 * Preloaded into the incident-bridge daemon by the hostile-input test (node --expose-gc
 * --require <this file> dist/main.js serve ...). It changes nothing in the daemon: it remembers
 * the built-in prototypes as they are at start and, when the test asks over the IPC channel,
 * answers with what changed in them since and with the memory use after a full garbage
 * collection.
 */

const PROTOTYPES = {
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
};

function snapshot(proto) {
  const keys = new Map();
  for (const key of Reflect.ownKeys(proto)) keys.set(key, Object.getOwnPropertyDescriptor(proto, key));
  return { keys, parent: Object.getPrototypeOf(proto), extensible: Object.isExtensible(proto) };
}

const before = Object.fromEntries(Object.entries(PROTOTYPES).map(([name, proto]) => [name, snapshot(proto)]));

function changes() {
  const found = [];
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    const was = before[name];
    const now = snapshot(proto);
    if (now.parent !== was.parent) found.push(`${name}: prototype changed`);
    if (now.extensible !== was.extensible) found.push(`${name}: extensibility changed`);
    for (const [key, d] of now.keys) {
      const old = was.keys.get(key);
      if (!old) found.push(`${name}.${String(key)} added`);
      else if (old.value !== d.value || old.get !== d.get || old.set !== d.set || old.writable !== d.writable) found.push(`${name}.${String(key)} changed`);
    }
    for (const key of was.keys.keys()) if (!now.keys.has(key)) found.push(`${name}.${String(key)} removed`);
  }
  return found;
}

process.on('message', (message) => {
  if (!message || message.type !== 'reliability-probe') return;
  // `gc: false` asks for the memory as it is, garbage included (V8's heap as the OS sees it).
  if (message.gc !== false && typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
  process.send({ type: 'reliability-probe', id: message.id, changes: changes(), memory: { heapUsed, heapTotal, rss, external, arrayBuffers } });
});
