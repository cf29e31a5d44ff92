#!/usr/bin/env node
// Container HEALTHCHECK: GET http://127.0.0.1:<port>/health/ready, exit 0 when it answers 2xx.
//   node docker/healthcheck.js <PORT_VARIABLE> <default port> [path]
// e.g. `node docker/healthcheck.js HEALTH_PORT 3001` in the ocr-worker image: the port
// follows the same variable the app reads, so overriding it does not break the check.
'use strict';
const [varName = 'PORT', fallback = '3000', path = '/health/ready'] = process.argv.slice(2);
const port = Number(process.env[varName] || fallback);
const url = `http://127.0.0.1:${port}${path}`;
const timer = setTimeout(() => {
  process.stderr.write(`healthcheck: ${url} did not answer in 4 s\n`);
  process.exit(1);
}, 4000);
fetch(url)
  .then(async (res) => {
    clearTimeout(timer);
    const body = await res.text().catch(() => '');
    if (!res.ok) process.stderr.write(`healthcheck: ${url} answered ${res.status} ${body.slice(0, 300)}\n`);
    process.exit(res.ok ? 0 : 1);
  })
  .catch((err) => {
    clearTimeout(timer);
    process.stderr.write(`healthcheck: ${url}: ${(err.cause && err.cause.message) || err.message}\n`);
    process.exit(1);
  });
