/**
 * Projects and intake in a real browser on the whole pipeline: create a project on the projects page, add a text
 * PDF, a scan (an image-only PDF the OCR worker reads) and an e-mail with a PDF attachment through the intake
 * page's file input, and watch every row, the attachment's too, reach "completed".
 */
import { generatedBytes } from '@casegraph/testing';
import { BrowserSession, TestPage, describeBrowser, screenshot } from '../support/browser';
import { WebStack } from '../support/web-stack';
import { INVOICES_ATTACHMENT as ATTACHMENT, invoicesEml } from '../support/family-eml';

describeBrowser('web app: projects and intake (browser)', () => {
  let web: WebStack;
  let browser: BrowserSession;
  let t: TestPage;

  beforeAll(async () => {
    [web, browser] = await Promise.all([WebStack.start(), BrowserSession.launch()]);
    t = await browser.newPage(web.baseURL);
    await web.signIn(t.context);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await browser?.close();
    await web?.close();
  }, 60_000);

  it('creates a project, uploads a PDF, a scan and an e-mail with an attachment, and shows them completed', async () => {
    const { page } = t;
    const name = web.projectName('Northwind Freight v. Halvorsen Marine');
    await page.goto('/');
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill(name);
    await page.getByRole('button', { name: 'Create project' }).click();
    // The new project opens (the projects list may be pages long: CI's database holds every suite's projects).
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByRole('heading', { name }).waitFor();
    const projectUuid = /\/projects\/([0-9a-f-]{36})$/.exec(page.url())![1];

    const eml = invoicesEml(ATTACHMENT);
    const files = [
      { name: 'complaint.pdf', mimeType: 'application/pdf', buffer: generatedBytes('complaint.pdf') },
      { name: 'scanned-letter.pdf', mimeType: 'application/pdf', buffer: generatedBytes('scanned-letter.pdf') },
      { name: 'invoices.eml', mimeType: 'message/rfc822', buffer: eml },
    ];
    await page.getByLabel('Add files').setInputFiles(files);
    for (const f of files) await page.getByRole('progressbar', { name: `Upload of ${f.name}` }).waitFor({ state: 'attached' });

    // The pipeline finishes them (bounded), then each row shows it: the page polls, nobody reloads it.
    const docs = await web.waitForProject(projectUuid, 4, 150_000);
    expect([...docs].map(([f, d]) => `${f}:${d.status}`).sort()).toEqual(
      ['complaint.pdf:completed', 'invoices.eml:completed', `${ATTACHMENT}:completed`, 'scanned-letter.pdf:completed'].sort(),
    );
    const table = page.getByRole('table', { name: 'Documents' });
    const row = (file: string) => table.locator(`[data-document-uuid="${docs.get(file)!.documentUuid}"]`);
    for (const f of [...files.map((x) => x.name), ATTACHMENT]) {
      await row(f).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
      await row(f).getByRole('link', { name: f }).first().waitFor();
    }
    // The attachment is the e-mail's child.
    const family = await web.api('get', `/v1/documents/${docs.get('invoices.eml')!.documentUuid}`);
    expect(family.body.family.children.map((c: { filename: string }) => c.filename)).toEqual([ATTACHMENT]);
    // Each file name links to its document page.
    await expect(row('complaint.pdf').getByRole('link', { name: 'complaint.pdf' }).first().getAttribute('href')).resolves.toBe(
      `/projects/${projectUuid}/documents/${docs.get('complaint.pdf')!.documentUuid}`,
    );
    await screenshot(page, 'intake');

    // The projects page counts them.
    await page.goto('/');
    const projects = page.getByRole('table', { name: 'Projects' });
    await projects.getByRole('link', { name }).waitFor();
    await screenshot(page, 'projects');
    expect(t.unexpected()).toEqual([]);
  }, 240_000);
});
