/**
 * `npm audit --omit=dev`: no high or critical advisory in the production dependencies, unless it is explained in
 * docs/security.md (a line of the "Explained advisories" table naming the package and the advisory URL).
 * The audit needs the registry's advisory endpoint; when it cannot be reached the test says so and checks nothing.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '../..');

interface Vulnerability {
  name: string;
  severity: string;
  via: Array<string | { url?: string; title?: string; severity?: string }>;
}

describe('npm audit --omit=dev', () => {
  it('shows no high or critical advisory that docs/security.md does not explain', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve) =>
      execFile('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, timeout: 75_000, maxBuffer: 64 * 2 ** 20 }, (_err, out) =>
        resolve({ stdout: String(out ?? '') }),
      ),
    );
    let report: { vulnerabilities?: Record<string, Vulnerability>; statusCode?: number; message?: string; error?: unknown };
    try {
      report = JSON.parse(stdout);
    } catch {
      report = {};
    }
    if (!report.vulnerabilities) {
      process.stdout.write(
        `[audit] SKIPPED: the registry's advisory endpoint did not answer (${report.statusCode ?? ''} ${report.message ?? 'no JSON report'}); nothing checked\n`,
      );
      return;
    }
    const explained = readFileSync(join(ROOT, 'docs/security.md'), 'utf8');
    const unexplained = Object.values(report.vulnerabilities)
      .filter((v) => v.severity === 'high' || v.severity === 'critical')
      .flatMap((v) =>
        v.via
          .filter((x): x is { url?: string; title?: string } => typeof x === 'object' && !!x.url)
          .filter((x) => !(explained.includes(v.name) && explained.includes(x.url!)))
          .map((x) => `${v.name} (${v.severity}): ${x.title} ${x.url}`),
      );
    expect(unexplained).toEqual([]);
  });
});
