/**
 * The real documents of the shared fixtures folder (../shared/fixtures beside the checkout, or the folder
 * named by CASEGRAPH_FIXTURES). The default suites do not need it (they use generated documents); suites
 * that measure against the real material are declared with describeWithFixtures: they run when the folder
 * exists, and are skipped with one printed line when it does not, unless CASEGRAPH_REQUIRE_FIXTURES=1
 * (CI), which makes them fail instead.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Root of the shared fixtures: CASEGRAPH_FIXTURES, else ../shared/fixtures beside the checkout. */
export const FIXTURES_DIR = process.env.CASEGRAPH_FIXTURES || resolve(__dirname, '../../../../shared/fixtures');

/** Title suffix of a skipped fixtures suite (.ci/run looks for it in jest's results). */
export const FIXTURES_SKIP_MARK = '[skipped: no fixtures]';

export const fixtureDocument = (name: string) => join(FIXTURES_DIR, 'documents', name);
export const fixtureTextract = (name: string) => join(FIXTURES_DIR, 'textract', name);

/** Whether the fixtures folder exists (its documents/ folder, which every gated suite reads). */
export function fixturesAvailable(): boolean {
  return existsSync(join(FIXTURES_DIR, 'documents'));
}

/**
 * describe() for a suite that needs the real fixtures. Without them: one line on stderr naming the suite
 * and the missing folder, and describe.skip; with CASEGRAPH_REQUIRE_FIXTURES=1, a failing test instead.
 */
export function describeWithFixtures(name: string, fn: () => void): void {
  describeWithFixturesIn(name, fn, fixturesAvailable(), `no fixtures folder at ${FIXTURES_DIR} (set CASEGRAPH_FIXTURES to it)`);
}

/** describe() gated on `available`: the one skip/require policy behind every describeWith… helper. */
export function describeWithFixturesIn(name: string, fn: () => void, available: boolean, why: string): void {
  if (available) {
    describe(name, fn);
    return;
  }
  if (process.env.CASEGRAPH_REQUIRE_FIXTURES === '1') {
    describe(name, () => {
      it('needs the shared fixtures (CASEGRAPH_REQUIRE_FIXTURES=1)', () => {
        throw new Error(`CASEGRAPH_REQUIRE_FIXTURES=1 but ${why}`);
      });
    });
    return;
  }
  const file = expect.getState().testPath ?? '';
  process.stderr.write(`skipped "${name}"${file ? ` in ${relative(process.cwd(), file)}` : ''}: ${why}\n`);
  describe.skip(`${name} ${FIXTURES_SKIP_MARK}`, fn);
}
