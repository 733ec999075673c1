/**
 * Issue 12, defect 1: "offline" is pushed live. On the real stack (the tracker's timer, the
 * gateway's hub) with a short OFFLINE_AFTER and devices that often fall silent (dropouts of
 * 20–120 s), an open map shows vehicles going offline without any reload, and a reload shows
 * them offline straight from the stream's snapshot. Before the fix the stream carried only
 * fixes: no row ever said "offline".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBackend, type Backend } from '../support/backend.js';
import { launchBrowser } from '../support/browser.js';
import { openApp, waitFor, type AppPage } from '../support/app.js';

/** The status part of each rendered list row ("offline · seen 3 s ago"). */
const rowStatuses = (page: Page) =>
  page.evaluate(() => {
    const list = document
      .querySelector('fleet-app')
      ?.shadowRoot?.querySelector('vehicle-list')?.shadowRoot;
    return [...(list?.querySelectorAll('[role=option] .meta') ?? [])].map((meta) =>
      (meta.textContent ?? '').split('·')[0]!.trim(),
    );
  });
const offlineRows = async (page: Page) =>
  (await rowStatuses(page)).filter((s) => s === 'offline').length;

const fake = process.env.E2E_BACKEND === 'fake';

describe(
  'offline is pushed live and survives a reload',
  { skip: fake && 'needs the real tracker' },
  () => {
    let backend: Backend;
    let browser: Browser;
    let app: AppPage;

    before(async () => {
      backend = await startBackend({
        env: { OFFLINE_AFTER: '2s', FIX_INTERVAL_MS: '500', DROPOUT_PROBABILITY: '0.2' },
      });
      browser = await launchBrowser();
      app = await openApp(browser, backend.url, 'desktop');
    });
    after(async () => {
      await app?.close();
      await browser?.close();
      await backend?.stop();
    });

    test('a silent vehicle turns offline on the open map, and is offline after a reload', async () => {
      const { page } = app;
      await waitFor(
        'a row saying offline',
        () => offlineRows(page),
        (n) => n >= 1,
        30_000,
      );
      await page.reload();
      await page.locator('vehicle-list [role=option]').first().waitFor({ state: 'attached' });
      const statuses = await waitFor(
        'rows after the reload',
        () => rowStatuses(page),
        (s) => s.length >= 5,
      );
      assert.ok(statuses.includes('offline'), `statuses after the reload: ${statuses.join(', ')}`);
      assert.deepEqual(app.errors, []);
    });
  },
);
