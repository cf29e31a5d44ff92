/**
 * A hostile document in a real browser: its text carries markup and script, its file name a right-to-left override
 * that hides its real extension. Every page that shows it (documents table, search, document) renders the
 * characters as text: no element is made of them, no script runs, no dialog opens, the CSP reports nothing, and the
 * override is shown as [U+202E] so the real extension is visible.
 */
import { BROWSER_TEST_TIMEOUT, BrowserSession, TestPage, describeBrowser, screenshot, signedInPagePerTest } from '../support/browser';
import { WebStack } from '../support/web-stack';
import type { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';

// Page-side globals of page.evaluate callbacks (the tests' tsconfig has no DOM lib).
declare const document: any;

const MARKUP = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(document.domain)</script>';
const STYLED = '<b style="color:red">quarantined</b>';
/** Reads as "report.exe.txt…" in a file manager that honours the override: really a .txt. */
const FILE_NAME = 'report\u202Etxt.exe.txt';
const TEXT = `Hostile exhibit
The witness wrote ${MARKUP} in the margin.
Then ${SCRIPT} and ${STYLED} on the next line.
`;

describeBrowser('web app: a hostile document renders inert (browser)', () => {
  let web: WebStack;
  let browser: BrowserSession;
  let project: TestProject;
  let documentUuid: string;

  beforeAll(async () => {
    [web, browser] = await Promise.all([WebStack.start(), BrowserSession.launch()]);
    project = await web.seedProject('Hostile exhibits');
    [documentUuid] = await web.seedFiles(project.projectUuid, [{ name: FILE_NAME, bytes: Buffer.from(TEXT) }]);
    const done = await web.waitForProject(project.projectUuid, 1);
    expect(done.get(FILE_NAME)?.status).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  }, 60_000);

  // One signed-in page a test; a test fails on any console error, CSP violation, uncaught error or dialog.
  const current = signedInPagePerTest(() => ({ web, browser }));

  /** No element of the page came from the document's markup. */
  async function inert(page: TestPage['page']) {
    const made = await page.evaluate(() => ({
      img: document.querySelectorAll('img[src="x"], img[onerror]').length,
      inlineScripts: Array.from<any>(document.scripts).filter((s) => !s.src).length,
      bold: Array.from<any>(document.querySelectorAll('b')).filter((b) => b.textContent === 'quarantined').length,
      handlers: Array.from<any>(document.querySelectorAll('*')).filter((e) => Array.from<any>(e.attributes).some((a) => /^on/i.test(a.name))).length,
    }));
    expect(made).toEqual({ img: 0, inlineScripts: 0, bold: 0, handlers: 0 });
  }

  it(
    'shows the markup as text on the document page, and the file name with its override visible',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}/documents/${documentUuid}?page=1`);
      // The region shows "Loading page 1…" first: wait for the page's own words.
      const region = page.getByRole('region', { name: 'Page 1 text' }).filter({ hasText: 'Hostile exhibit' });
      await region.waitFor();
      const text = (await region.textContent()) ?? '';
      expect(text).toContain(MARKUP);
      expect(text).toContain(SCRIPT);
      expect(text).toContain(STYLED);
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('report[U+202E]txt.exe.txt');
      expect(main).not.toContain('\u202E');
      await inert(page);
      await screenshot(page, 'hostile-document');
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'shows the markup as text in search results and the documents table',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}/search?q=${encodeURIComponent('margin')}`);
      const list = page.getByRole('list', { name: 'Search results' });
      await list.getByRole('link').first().waitFor();
      const results = (await list.textContent()) ?? '';
      expect(results).toContain('report[U+202E]txt.exe.txt');
      expect(results).not.toContain('\u202E');
      await inert(page);
      await screenshot(page, 'hostile-search');

      await page.goto(`/projects/${project.projectUuid}`);
      const row = page.getByRole('table', { name: 'Documents' }).locator(`[data-document-uuid="${documentUuid}"]`);
      await row.waitFor();
      const cells = (await row.textContent()) ?? '';
      expect(cells).toContain('report[U+202E]txt.exe.txt');
      expect(cells).not.toContain('\u202E');
      await inert(page);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    "keeps the markup's characters in the search snippet, as the document says them",
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}/search?q=${encodeURIComponent('witness margin quarantined')}`);
      const list = page.getByRole('list', { name: 'Search results' });
      await list.getByRole('link').first().waitFor();
      const results = (await list.textContent()) ?? '';
      // A reader of a hostile filing must see that it holds markup: a snippet that drops the tags misquotes it.
      for (const s of [MARKUP, SCRIPT, STYLED]) expect(results).toContain(s);
      await inert(page);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'a crafted link whose path is not a page (`..%2F…` in place of a UUID) is a page not found, and asks the API for nothing',
    async () => {
      const { page } = current();
      const asked: string[] = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/v1/') && path !== '/v1/session') asked.push(`${r.method()} ${path}`);
      });
      await page.goto(`/projects/..%2Fprojects%2F${project.projectUuid}%23/entities/${documentUuid}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(asked).toEqual([]);
      await screenshot(page, 'hostile-crafted-link');
    },
    BROWSER_TEST_TIMEOUT,
  );
});
