/**
 * Debian's Chromium driven by playwright-core for the browser tests (test/web): one browser per suite (playwright's
 * launch gives it a fresh --user-data-dir under the temp folder and removes it on close; it refuses one passed in
 * args), one context per test, every console error, page error, failed request and
 * dialog of a page recorded so a test can assert there were none, and screenshots written to
 * CASEGRAPH_SCREENSHOTS or <repo>/artifacts/screenshots (gitignored; CI keeps the folder as an artefact).
 *
 * Without /usr/bin/chromium (or CHROMIUM_PATH) the suites skip with the reason in their title, except in CI
 * (CI=true, or CASEGRAPH_REQUIRE_BROWSER=1 as `.ci/run` sets it after installing Chromium), where it fails them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Page, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Per-test timeout of the browser tests: npm test gives tests 30 s, while two suites share two cores and each page
 * waits on a real pipeline (15 s per missing element, so a broken page fails in seconds, not here).
 */
export const BROWSER_TEST_TIMEOUT = 120_000;

/** A laptop screen: the README's screenshots are taken at this size. */
export const VIEWPORT = { width: 1366, height: 850 };

export const SCREENSHOT_DIR = resolve(process.env.CASEGRAPH_SCREENSHOTS || join(__dirname, '..', '..', 'artifacts', 'screenshots'));

/** Why the browser suites cannot run here, or null when they can. Throws in CI, where they must run. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true' || process.env.CASEGRAPH_REQUIRE_BROWSER === '1') throw new Error(`browser tests must run in CI: ${reason}`);
  return reason;
}

/**
 * `describe`, or `describe.skip` with the reason in the title (and a warning) when Chromium is missing outside CI.
 * Usage: `describeBrowser('intake page', () => { ... })`.
 */
export function describeBrowser(title: string, body: () => void): void {
  const reason = browserUnavailable();
  if (reason) {
    console.warn(`browser tests skipped: ${reason}`);
    describe.skip(`${title} [skipped: ${reason}]`, body);
  } else {
    describe(title, body);
  }
}

/** What a page said that a test may want to fail on. */
export interface PageProblem {
  kind: 'console' | 'pageerror' | 'dialog' | 'requestfailed';
  text: string;
  url?: string;
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Everything recorded so far (console errors, uncaught errors, dialogs, failed requests). */
  problems: PageProblem[];
  /** Console errors that are CSP violations (Chromium reports them as console errors). */
  cspViolations(): PageProblem[];
  /**
   * The problems a test did not expect: every recorded one except those matching `allowed` (e.g. the 401 of
   * GET /v1/session before login, which Chromium logs as a failed resource).
   */
  unexpected(allowed?: RegExp[]): PageProblem[];
  close(): Promise<void>;
}

/** Chromium logs every non-2xx fetch as a console error; these are the answers a flow expects. */
export const EXPECTED_HTTP_ERRORS: RegExp[] = [/Failed to load resource: the server responded with a status of 401/];

export class BrowserSession {
  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<BrowserSession> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    return new BrowserSession(browser);
  }

  /** A fresh context (no cookies, no storage) and its page, with every problem the page reports recorded. */
  async newPage(baseURL: string): Promise<TestPage> {
    const context = await this.browser.newContext({ baseURL, viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems: PageProblem[] = [];
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') problems.push({ kind: 'console', text: m.text(), url: m.location()?.url });
    });
    page.on('pageerror', (e) => problems.push({ kind: 'pageerror', text: e.stack ?? e.message }));
    // A dialog (alert/confirm/prompt) from page script is a failure in every test: dismiss it and record it.
    page.on('dialog', (d) => {
      problems.push({ kind: 'dialog', text: `${d.type()}: ${d.message()}` });
      void d.dismiss().catch(() => undefined);
    });
    page.on('requestfailed', (r) => {
      // A navigation away aborts the previous page's pending fetches; that is not a failure of the app.
      const failure = r.failure()?.errorText ?? '';
      if (failure !== 'net::ERR_ABORTED') problems.push({ kind: 'requestfailed', text: `${r.method()} ${failure}`, url: r.url() });
    });
    const isCsp = (p: PageProblem) => /Content Security Policy|Content-Security-Policy/i.test(p.text);
    return {
      context,
      page,
      problems,
      cspViolations: () => problems.filter(isCsp),
      unexpected: (allowed = EXPECTED_HTTP_ERRORS) => problems.filter((p) => !allowed.some((re) => re.test(p.text))),
      close: () => context.close().catch(() => undefined),
    };
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

/**
 * A fresh signed-in page for each test of a suite (registered as beforeEach / afterEach): `suite()` gives the suite's
 * stack and browser once its beforeAll made them. After each test the page closes, and the test fails on anything
 * the page reported: a console error, an uncaught error, a dialog (an `alert` the page never meant to run), a CSP
 * violation. Answers the current test's page.
 */
export function signedInPagePerTest(
  suite: () => { web: { baseURL: string; signIn(context: BrowserContext): Promise<void> }; browser: BrowserSession },
): () => TestPage {
  let current: TestPage | undefined;
  beforeEach(async () => {
    const { web, browser } = suite();
    current = await browser.newPage(web.baseURL);
    await web.signIn(current.context);
  });
  afterEach(async () => {
    const problems = current?.unexpected() ?? [];
    await current?.close();
    current = undefined;
    expect(problems).toEqual([]);
  });
  return () => {
    if (!current) throw new Error('signedInPagePerTest: no page outside a test');
    return current;
  };
}

/** Writes `<SCREENSHOT_DIR>/<name>.png` (the viewport) and answers its path. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? false, animations: 'disabled' });
  return path;
}
