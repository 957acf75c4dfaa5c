'use strict';

/*
 * The support line's end of incident-bridge's `webhook` channel, for the benchmark: a loopback
 * HTTP server in its own process (so that the load generator does not delay it, nor it the load
 * generator). It answers every POST 200 at once and reports each delivery attempt to the
 * benchmark over the IPC channel: when its request arrived (high-resolution wall clock, the same
 * clock the benchmark stamps its webhooks with), the incident id and event of its body, and its
 * Idempotency-Key header. Run by bench/notify.js; prints nothing but errors.
 */

const http = require('node:http');

const now = () => performance.timeOrigin + performance.now();

/** Attempts are reported in small batches: one IPC message per delivery would cost more. */
let outbox = [];
let flushScheduled = false;
function report(attempt) {
  outbox.push(attempt);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    const batch = outbox;
    outbox = [];
    process.send({ type: 'attempts', attempts: batch });
  });
}

const server = http.createServer((req, res) => {
  const arrivedAt = now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let incidentId = null;
    let event = null;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      incidentId = body && body.incident ? body.incident.id : null;
      event = body ? body.event : null;
    } catch {
      // an unreadable body is reported with a null incident
    }
    report({ arrivedAt, incidentId, event, idempotencyKey: req.headers['idempotency-key'] || null, path: req.url });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('disconnect', () => process.exit(0));
