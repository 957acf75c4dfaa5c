'use strict';

/*
 * One load phase against one HTTP endpoint, driven by autocannon in the benchmark's own process
 * (the daemon under test runs in another process). Every request gets a fresh body from the
 * traffic generator. Latencies are also kept exactly (sub-millisecond), because autocannon's
 * own histogram has 1 ms resolution.
 *
 * A fixed rate uses autocannon's `overallRate`. One autocannon instance sends each
 * connection's quota for a second back to back at the start of that second, which is a burst,
 * not a steady rate; so the rate can be split over several instances ("streams", one
 * connection each) started evenly across the first second. With as many streams as requests
 * per second, requests leave at evenly spaced instants, as webhooks from many Alertmanager
 * groups would.
 */

const { createHash } = require('node:crypto');
const autocannon = require('autocannon');
const { summarize } = require('./client');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs autocannon for `durationS` seconds.
 * - `url`: full URL to POST to;
 * - `connections`: concurrent connections (each keeps one request in flight);
 * - `rate`: total requests per second (autocannon `overallRate`), or null for as fast as possible;
 * - `streams`: with a rate, how many autocannon instances share it (default 1);
 * - `batch`: alerts per request; `traffic` and `body(notification)` build each request body;
 * - `accepted(status, body)`: alerts the server acknowledged in a 2xx answer;
 * - `seen`: digests of the bodies sent so far on this server, to prove every body distinct;
 * - `onResponse(status, ms)`: optional, called as each response completes (to place it in time).
 */
async function runLoad(options) {
  const { url, connections, durationS, rate, batch, traffic, body, accepted, onResponse } = options;
  const seen = options.seen || new Set();
  let duplicates = 0;
  const streams = rate ? Math.max(1, Math.min(options.streams || 1, rate)) : 1;
  const latencies = [];
  const statusCounts = {};
  const errorSamples = [];
  let acceptedAlerts = 0;
  let built = 0;

  const requests = [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.25.0' },
      setupRequest(request, context) {
        built += 1;
        const notification = traffic.next(batch);
        // One request in flight per connection: its context lives until its response.
        context.notification = notification;
        request.body = body(notification);
        const digest = createHash('sha1').update(request.body).digest('base64');
        if (seen.has(digest)) duplicates += 1;
        else seen.add(digest);
        return request;
      },
      onResponse(status, responseBody, context) {
        if (context && context.notification) {
          traffic.done(context.notification);
          context.notification = null;
        }
        statusCounts[status] = (statusCounts[status] || 0) + 1;
        if (status >= 200 && status < 300) {
          acceptedAlerts += accepted(status, responseBody);
        } else if (errorSamples.length < 5) {
          errorSamples.push({ status, body: String(responseBody).slice(0, 500) });
        }
      },
    },
  ];

  function one(streamRate, streamConnections) {
    return new Promise((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: streamConnections,
          duration: durationS,
          ...(streamRate ? { overallRate: streamRate } : {}),
          timeout: 10,
          pipelining: 1,
          skipAggregateResult: true,
          requests,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      // Every completed request, 2xx or not: exact response time in ms.
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        if (onResponse) onResponse(statusCode, responseTime);
      });
    });
  }

  const started = process.hrtime.bigint();
  const runs = [];
  if (streams === 1) {
    runs.push(one(rate, connections));
  } else {
    for (let i = 0; i < streams; i++) {
      const share = Math.floor(rate / streams) + (i < rate % streams ? 1 : 0);
      runs.push(one(share, 1));
      await sleep(1000 / streams);
    }
  }
  const raw = await Promise.all(runs);
  // Requests cut off at the end may still be committed: let them land before the series move on.
  await sleep(250);
  traffic.releaseAll();
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const result = autocannon.aggregateResult(raw, { url, connections: streams === 1 ? connections : streams });

  const ok = result['2xx'];
  // Each instance runs durationS; the stagger of several streams does not lengthen the window.
  const elapsedS = streams === 1 ? raw[0].duration || wallS : durationS;
  return {
    durationS: elapsedS,
    connections: streams === 1 ? connections : streams,
    streams,
    targetRate: rate || null,
    batch,
    requests2xx: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    errorSamples,
    requestsPerS: ok / elapsedS,
    alertsAccepted: acceptedAlerts,
    alertsPerS: acceptedAlerts / elapsedS,
    requestsSent: built,
    duplicateBodies: duplicates,
    latencyMs: summarize(latencies),
    // autocannon's own view (1 ms resolution; with a rate it is corrected for coordinated omission).
    autocannon: {
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      latencyMax: result.latency.max,
    },
  };
}

module.exports = { runLoad };
