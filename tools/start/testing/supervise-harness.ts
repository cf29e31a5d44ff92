/**
 * Runs supervise() on dummy apps for tools/start/supervisor.int-spec.ts.
 * argv[2]: JSON array of { name, mode } ; argv[3]: stop timeout in ms.
 */
import { join } from 'node:path';
import { supervise } from '../supervisor';

const apps = JSON.parse(process.argv[2]) as Array<{ name: string; mode: string; log?: string }>;
const stopTimeoutMs = Number(process.argv[3] || 5000);

supervise(
  apps.map((a, i) => ({
    name: a.name,
    argv: ['node', join(__dirname, 'dummy-app.js')],
    env: { DUMMY_NAME: a.name, DUMMY_MODE: a.mode, ...(a.log ? { DUMMY_LOG: a.log } : {}) },
    color: ['cyan', 'magenta', 'yellow'][i % 3],
  })),
  { stopTimeoutMs, onStarted: () => process.stdout.write('HARNESS STARTED\n') },
)
  .then((r) => {
    process.stdout.write(`HARNESS RESULT ${JSON.stringify(r)}\n`);
    process.exit(r.exitCode);
  })
  .catch((err: unknown) => {
    process.stderr.write(`HARNESS FAILED ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
