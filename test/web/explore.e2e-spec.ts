/**
 * Reading a project in a real browser, on documents the whole pipeline processed (seeded through the API, since the
 * intake page has its own suite): search a word and a citation and open the hit on its page, the original PDF page
 * drawn by PDF.js, an entity merged into another and the merge undone from the curation log, the graph expanded
 * one node further, the timeline's dated sentences.
 */
import sharp from 'sharp';
import { generatedBytes, waitFor } from '@casegraph/testing';
import type { Locator, Page } from 'playwright-core';
import type { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { ORDER_ON_DISMISSAL, ORDER_ON_SUMMARY_JUDGMENT } from '../ingest-api/curation-support';
import { BROWSER_TEST_TIMEOUT, BrowserSession, describeBrowser, screenshot, signedInPagePerTest } from '../support/browser';
import { WebStack } from '../support/web-stack';

/** One more filing, linked to the orders only through Granite Ledge Supply LLC: expanding that node adds its entities. */
const LEASE_AFFIDAVIT = `AFFIDAVIT OF THADDEUS MERRIWEATHER

Granite Ledge Supply LLC leased the Coos County quarry from Quarry Hill Partners LLC.
Thaddeus Merriweather signed the lease for Quarry Hill Partners LLC on April 4, 2021.`;

// Page-side globals of page.evaluate callbacks (the tests' tsconfig has no DOM lib).
declare const document: any, window: any;

interface Entity {
  uuid: string;
  type: string;
  name: string;
}

describeBrowser('web app: search, documents, entities, graph and timeline (browser)', () => {
  let web: WebStack;
  let browser: BrowserSession;
  let project: TestProject;
  let docs: Map<string, { documentUuid: string; status: string }>;

  const entities = async (q: string): Promise<Entity[]> => {
    const res = await web.api('get', `/v1/projects/${project.projectUuid}/entities`).query({ q, pageSize: '100' });
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const entity = async (re: RegExp, type = 'ORG'): Promise<Entity> => {
    const found = (await entities(re.source.split(' ')[0])).filter((e) => e.type === type && re.test(e.name));
    if (!found.length) throw new Error(`no ${type} entity matching ${re}`);
    return found[0];
  };

  beforeAll(async () => {
    [web, browser] = await Promise.all([WebStack.start(), BrowserSession.launch()]);
    project = await web.seedProject('Marchetti v. Benton Harlow Freight');
    await web.seedFiles(project.projectUuid, [
      { name: 'complaint.pdf', bytes: generatedBytes('complaint.pdf') },
      { name: 'motion.pdf', bytes: generatedBytes('motion.pdf') },
      { name: 'order-on-dismissal.txt', bytes: Buffer.from(ORDER_ON_DISMISSAL) },
      { name: 'order-on-summary-judgment.txt', bytes: Buffer.from(ORDER_ON_SUMMARY_JUDGMENT) },
      { name: 'lease-affidavit.txt', bytes: Buffer.from(LEASE_AFFIDAVIT) },
    ]);
    docs = await web.waitForProject(project.projectUuid, 5, 120_000);
    expect([...docs.values()].map((d) => d.status)).toEqual(Array(5).fill('completed'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  }, 60_000);

  // One signed-in page a test; a test fails on any console error, CSP violation, uncaught error or dialog.
  const current = signedInPagePerTest(() => ({ web, browser }));

  /** Types `q` into the top bar's search box and answers the results list once it shows. */
  async function search(page: Page, q: string) {
    await page.getByLabel('Search this project').fill(q);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/search\?/);
    const list = page.getByRole('list', { name: 'Search results' });
    await list.getByRole('link').first().waitFor();
    return list;
  }

  /**
   * Opens the first result naming `file`, checks it lands on that page of the document and that the page's text
   * (once loaded: the region says "Loading page N…" first) holds `words`; answers the page region.
   */
  async function openHit(page: Page, list: Awaited<ReturnType<typeof search>>, file: string, words: string) {
    const link = list.getByRole('link', { name: new RegExp(file.replace('.', '\\.')) }).first();
    const label = (await link.textContent()) ?? '';
    const n = Number(/page (\d+)/i.exec(label)?.[1] ?? (await link.getAttribute('aria-label'))?.match(/page (\d+)/i)?.[1]);
    expect(n).toBeGreaterThan(0);
    await link.click();
    await page.waitForURL(new RegExp(`/documents/${docs.get(file)!.documentUuid}\\?(.*&)?page=${n}\\b`));
    const region = page.getByRole('region', { name: `Page ${n} text` });
    await region.filter({ hasText: words }).waitFor();
    return region;
  }

  it(
    'searches a word, shows highlighted hits with page numbers, and opens the hit on its page',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}`);
      const list = await search(page, 'demurrage');
      await page
        .getByText(/\b\d+ results?\b/)
        .first()
        .waitFor();
      await expect(list.locator('mark').first().textContent()).resolves.toMatch(/demurrage/i);
      await screenshot(page, 'search');
      const region = await openHit(page, list, 'complaint.pdf', 'demurrage');
      // Entities of the page are highlighted by type and link to their entity page.
      await region.locator('a.entity').first().waitFor();
      await expect(region.locator('a.entity').first().getAttribute('href')).resolves.toMatch(
        new RegExp(`^/projects/${project.projectUuid}/entities/`),
      );
      for (const h of ['Parties', 'Court', 'Citations']) await page.getByRole('heading', { name: h }).first().waitFor();
      await screenshot(page, 'document-hit');
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'document');
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'searches a citation and opens the page that cites it',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}`);
      const list = await search(page, '410 U.S. 113');
      await screenshot(page, 'search-citation');
      await openHit(page, list, 'motion.pdf', '410 U.S. 113');
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'draws the original PDF page with PDF.js',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}/documents/${docs.get('complaint.pdf')!.documentUuid}?page=1`);
      await page.getByRole('region', { name: 'Page 1 text' }).waitFor();
      await page
        .getByRole('tab', { name: 'Original' })
        .or(page.getByRole('button', { name: 'Original' }))
        .first()
        .click();
      const canvas = page.locator('canvas[aria-label="Original page 1"]');
      await canvas.waitFor();
      await page.waitForFunction(() => {
        const c = document.querySelector('canvas[aria-label="Original page 1"]');
        return !!c && c.width > 100 && c.height > 100;
      });
      expect(await nonBlank(canvas)).toBe(true);
      await screenshot(page, 'document-original');
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'opens an entity, merges another into it, and undoes the merge from the curation log',
    async () => {
      const { page } = current();
      const benton = await entity(/benton harlow freight/i);
      const lines = await entity(/harlow freight lines/i);
      await page.goto(`/projects/${project.projectUuid}/entities`);
      const table = page.getByRole('table', { name: 'Entities' });
      await table.waitFor();
      await page.getByLabel('Filter entities').fill('Benton');
      await table.getByRole('link', { name: benton.name, exact: true }).click();
      await page.waitForURL(`**/entities/${benton.uuid}`);
      await page.getByRole('heading', { name: benton.name, level: 1 }).waitFor();
      await screenshot(page, 'entity');

      await page.getByRole('button', { name: 'Merge…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Find the entity to merge into this one').fill('Harlow Freight Lines');
      await dialog.getByRole('button', { name: lines.name }).first().click();
      await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
      // The other entity is gone; its name is now an alias of this one.
      await waitFor(async () => !(await entities('Harlow')).some((e) => e.uuid === lines.uuid), {
        timeoutMs: 15_000,
        what: 'the merged entity to go',
      });
      await page.getByText(lines.name).first().waitFor();
      await screenshot(page, 'entity-merged');

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Curation log' }).click();
      const log = page.getByLabel('Curation log');
      await log.waitFor();
      await log.getByRole('button', { name: 'Undo' }).first().click();
      // A confirmation, when the page asks for one.
      const confirm = page.getByRole('dialog').getByRole('button', { name: /^Undo/ });
      if (await confirm.isVisible().catch(() => false)) await confirm.click();
      await waitFor(async () => (await entities('Harlow')).filter((e) => /harlow freight lines/i.test(e.name)).length === 1, {
        timeoutMs: 15_000,
        what: 'the undone merge to bring Harlow Freight Lines back',
      });
      await screenshot(page, 'curation-log');
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'opens the graph of an entity, draws it, and expands a node',
    async () => {
      const { page } = current();
      const benton = await entity(/benton harlow freight/i);
      const granite = await entity(/granite ledge supply/i);
      await page.goto(`/projects/${project.projectUuid}/graph?entity=${benton.uuid}`);
      const graph = page.getByLabel('Graph', { exact: true });
      await graph.locator('canvas').first().waitFor();
      const nodes = page.getByRole('list', { name: 'Nodes in view' });
      const expand = nodes.getByRole('button', { name: `Expand ${granite.name}` });
      await expand.waitFor();
      const count = async () =>
        Number(
          /(\d+) nodes?/.exec(
            (await page
              .getByText(/\b\d+ nodes?\b/)
              .first()
              .textContent()) ?? '',
          )?.[1],
        );
      await page
        .getByText(/\b\d+ nodes?\b/)
        .first()
        .waitFor();
      const before = await count();
      expect(before).toBeGreaterThan(1);
      expect(await nodes.getByRole('button', { name: /Quarry Hill Partners/ }).count()).toBe(0);
      await screenshot(page, 'graph-start');
      await expand.click();
      await waitFor(async () => (await count()) > before, { timeoutMs: 15_000, what: `more than ${before} nodes after the expansion` });
      await nodes
        .getByRole('button', { name: /Quarry Hill Partners/ })
        .first()
        .waitFor();
      // Sigma drew something: the graph's canvases are not a blank rectangle.
      expect(await graph.locator('canvas').count()).toBeGreaterThan(0);
      expect(await nonBlank(graph)).toBe(true);
      // Clicking in the side list scrolled the page; the screenshot shows it from the top.
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'graph');
      // Readable: the nodes are dots with room between them, not discs that cover the view and each other.
      const drawn = Math.round((await inkShare(graph)) * 100);
      // (percent of the view's pixels that are not background)
      expect(drawn).toBeLessThan(35);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'shows the dated sentences of the documents on the timeline',
    async () => {
      const { page } = current();
      await page.goto(`/projects/${project.projectUuid}/timeline`);
      const list = page.getByRole('list', { name: 'Timeline' });
      await list.waitFor();
      const item = list.getByRole('listitem').filter({ hasText: '2022-05-14' });
      await item.first().waitFor();
      await expect(item.first().textContent()).resolves.toContain('hauling contract');
      await screenshot(page, 'timeline');
    },
    BROWSER_TEST_TIMEOUT,
  );
});

/**
 * The share of the element's on-screen pixels that are not (near) white: 0 for a blank canvas, about 0.02–0.1 for a
 * readable graph of a few dozen nodes, most of it when the nodes are drawn so big that they hide each other.
 */
async function inkShare(el: Locator): Promise<number> {
  const { data, info } = await sharp(await el.screenshot({ animations: 'disabled' }))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
  return ink / (data.length / info.channels);
}

/** True when the element's pixels on screen are not one flat colour (something was drawn). */
async function nonBlank(el: Locator): Promise<boolean> {
  const png = await el.screenshot({ animations: 'disabled' });
  const stats = await sharp(png).stats();
  return stats.channels.slice(0, 3).some((c) => c.stdev > 8);
}
