/**
 * The session in a real browser: the key typed once on the login page becomes an HttpOnly cookie (never in the URL,
 * storage or document.cookie), logging out ends it, the app is served under a strict CSP, and a key bound to one
 * project cannot reach another one through the pages or the API the pages call.
 */
import request from 'supertest';
import { BROWSER_TEST_TIMEOUT, BrowserSession, TestPage, describeBrowser, screenshot } from '../support/browser';
import { SESSION_COOKIE, WebStack } from '../support/web-stack';
import type { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';

// Page-side globals of page.evaluate callbacks (the tests' tsconfig has no DOM lib).
declare const document: any, window: any, localStorage: any, sessionStorage: any;

describeBrowser('web app: session, CSP and bound keys (browser)', () => {
  let web: WebStack;
  let browser: BrowserSession;
  let other: TestProject;
  let t: TestPage;

  beforeAll(async () => {
    [web, browser] = await Promise.all([WebStack.start({ workers: false }), BrowserSession.launch()]);
    other = await web.seedProject('Another matter');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  }, 60_000);

  beforeEach(async () => {
    t = await browser.newPage(web.baseURL);
  });

  afterEach(async () => {
    await t.close();
  });

  it(
    'logs in with a key kept only in an HttpOnly cookie, and logs out',
    async () => {
      const { page, context } = t;
      await page.goto('/');
      const field = page.getByLabel('API key');
      await field.fill(web.adminKey);
      await screenshot(page, 'login');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      await page.getByRole('button', { name: 'New project' }).waitFor();

      expect(page.url()).not.toContain(web.adminKey);
      const seen = await page.evaluate(() => ({
        cookie: document.cookie,
        local: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`),
        session: Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`),
        history: window.location.href,
        field: Array.from<any>(document.querySelectorAll('input')).map((i) => i.value),
      }));
      expect(seen.cookie).not.toContain(SESSION_COOKIE);
      expect(seen.cookie).not.toContain(web.adminKey);
      expect([...seen.local, ...seen.session].join('\n')).not.toContain(web.adminKey);
      expect(seen.history).not.toContain(web.adminKey);
      expect(seen.field.join('\n')).not.toContain(web.adminKey);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === SESSION_COOKIE);
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(session!.value).not.toContain(web.adminKey);
      expect(cookies.map((c) => `${c.name}=${c.value}`).join('\n')).not.toContain(web.adminKey);
      await screenshot(page, 'session-projects');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('API key').waitFor();
      expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
      // The old cookie is gone from the browser: the API no longer knows this browser.
      expect(await page.evaluate(async () => (await fetch('/v1/session')).status)).toBe(401);
      await screenshot(page, 'logged-out');
      expect(t.unexpected()).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'refuses a wrong key with a message, and keeps no cookie',
    async () => {
      const { page, context } = t;
      await page.goto('/');
      await page.getByLabel('API key').fill('not-a-key-of-this-server');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
      expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
      await screenshot(page, 'login-refused');
      expect(t.unexpected()).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'serves the app under a strict Content-Security-Policy with no inline script',
    async () => {
      for (const path of ['/', `/projects/${other.projectUuid}/search?q=x`]) {
        const res = await request(web.http).get(path);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        const csp = String(res.headers['content-security-policy'] ?? '');
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        // The page itself carries no inline script or style attribute for the CSP to allow.
        expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
        expect(res.text).not.toMatch(/\sstyle=/i);
      }
      // The browser agrees: the app starts under that policy without a single violation.
      await web.signIn(t.context);
      await t.page.goto('/');
      await t.page.getByRole('button', { name: 'New project' }).waitFor();
      expect(t.cspViolations()).toEqual([]);
      expect(t.unexpected()).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    "a bound key's session cannot see another project",
    async () => {
      const { page } = t;
      await web.signIn(t.context, web.boundKey);
      await page.goto('/');
      // Its one home is its project.
      await page.waitForURL(`**/projects/${web.boundProjectUuid}`);
      await page.getByRole('region', { name: 'Drop files or folders here' }).waitFor();

      await page.goto(`/projects/${other.projectUuid}`);
      await page.getByRole('alert').first().waitFor();
      await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/403|may not|not allowed|forbidden/i);
      await screenshot(page, 'bound-key-refused');

      const statuses = await page.evaluate(async (p) => {
        const urls = [
          `/v1/projects/${p}`,
          `/v1/projects/${p}/documents`,
          `/v1/projects/${p}/search?q=freight`,
          `/v1/projects/${p}/entities`,
          `/v1/projects/${p}/graph`,
          `/v1/projects/${p}/timeline`,
        ];
        const out: Record<string, number> = {};
        for (const u of urls) out[u] = (await fetch(u, { credentials: 'same-origin' })).status;
        return out;
      }, other.projectUuid);
      for (const [url, status] of Object.entries(statuses)) expect(`${url} ${status}`).toBe(`${url} 403`);
      // Its own project answers.
      expect(await page.evaluate(async (p) => (await fetch(`/v1/projects/${p}/documents`)).status, web.boundProjectUuid)).toBe(200);
      // Chromium logs each refused fetch (and the page's own) as a failed resource; nothing else may appear.
      expect(t.unexpected([/status of 40[13]/])).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
