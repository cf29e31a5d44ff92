#!/usr/bin/env node
/**
 * `npm run lint:docker`: lints the Dockerfiles with dockerfile-utils (the validator of the Docker language server;
 * pure JavaScript, runs offline; hadolint downloads a binary and cannot run here). Every diagnostic, warning or
 * error, fails the run: the CLI of dockerfile-utils prints warnings but always exits 0.
 *
 *   node tools/lint-dockerfile.js [files…]     (default: docker/Dockerfile)
 */
const { readFileSync } = require('node:fs');
const { relative, resolve } = require('node:path');
const { validate } = require('dockerfile-utils');

const ROOT = resolve(__dirname, '..');
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** The problems of one Dockerfile's text, as `line:column severity message` (1-based). */
function lintDockerfile(content) {
  return validate(content).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity] ?? 'problem'} ${d.message}`);
}

module.exports = { lintDockerfile };

if (require.main === module) {
  const files = process.argv.slice(2).length ? process.argv.slice(2) : [resolve(ROOT, 'docker', 'Dockerfile')];
  let problems = 0;
  for (const file of files) {
    for (const line of lintDockerfile(readFileSync(file, 'utf8'))) {
      problems++;
      console.error(`${relative(process.cwd(), file)}:${line}`);
    }
  }
  if (problems) {
    console.error(`${problems} problem(s) in the Dockerfiles`);
    process.exit(1);
  }
  console.log(`Dockerfiles lint clean: ${files.map((f) => relative(process.cwd(), f)).join(', ')}`);
}
