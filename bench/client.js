'use strict';

/*
 * A minimal keep-alive HTTP client for the benchmark's own request loops (the scenarios that
 * need each answer's body, or their own pacing, rather than autocannon's closed loop).
 */

const http = require('node:http');

/** High-resolution wall clock in ms, comparable between processes on one machine. */
const wallMs = () => performance.timeOrigin + performance.now();

function createAgent(maxSockets) {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/**
 * Sends one request; resolves `{status, body, sentAt, ms}` (sentAt on the wall clock above, ms the
 * time to the full response). Rejects on a transport error or after `timeoutMs`. `extraHeaders`
 * go beside the JSON ones (e.g. a person's Authorization).
 */
function request(agent, method, url, body, timeoutMs = 30_000, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const json = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Alertmanager/0.25.0' };
    const headers = { ...json, ...extraHeaders };
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), sentAt, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    const started = performance.now();
    const sentAt = performance.timeOrigin + started;
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** p50/p90/p99/max/mean of a list of numbers. */
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
  };
}

module.exports = { wallMs, createAgent, request, summarize };
