/**
 * Issue 9 part 1 features in Chromium against the real stack, straight and through nginx, at
 * desktop and phone sizes: offline streets, clusters and labels, deep links with Back/Forward,
 * fleet replay on one clock, dark mode, French; axe-core finds no violation in any state and
 * each state leaves a screenshot in test-artifacts/web/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { overlapFree, type Box } from '../../src/map/label-layout.js';
import { startBackend, WEB_DIST, type Backend } from '../support/backend.js';
import { launchBrowser } from '../support/browser.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import {
  axeViolations,
  mapView,
  openApp,
  screenshot,
  waitFor,
  type AppPage,
  type ViewportName,
} from '../support/app.js';

const options = (page: Page) => page.locator('vehicle-list [role=option]');
const stats = (page: Page) =>
  page.evaluate(() => {
    const map = document
      .querySelector('fleet-app')!
      .shadowRoot!.querySelector('fleet-map') as unknown as {
      stats: {
        clusters: number;
        drawn: number;
        labels: Box[];
        streetWays: number;
        replayMarkers: number;
        vehicles: number;
      };
    };
    return map.stats;
  });

async function assertAccessible(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe violations in the ${state} state`);
}

async function setZoom(page: Page, zoom: number): Promise<void> {
  await page.evaluate((z) => {
    const el = document
      .querySelector('fleet-app')!
      .shadowRoot!.querySelector('fleet-map') as unknown as {
      map: { setZoom(z: number, o: unknown): void };
    };
    el.map.setZoom(z, { animate: false });
  }, zoom);
}

function featureSuite(name: string, viewport: ViewportName, url: () => string) {
  const shot = (page: Page, state: string) => screenshot(page, `${name}-${viewport}-${state}`);

  describe(`${name} ${viewport}`, () => {
    let browser: Browser;
    let app: AppPage;
    let page: Page;

    before(async () => {
      browser = await launchBrowser();
      app = await openApp(browser, url(), viewport);
      page = app.page;
    });
    after(async () => {
      await browser?.close();
    });

    test('default: offline streets with the OSM attribution, no axe violation', async () => {
      await waitFor(
        'the streets',
        () => stats(page),
        (s) => s.streetWays > 5000,
      );
      const attribution = page.locator('fleet-map .leaflet-control-attribution');
      assert.match((await attribution.textContent()) ?? '', /OpenStreetMap contributors \(ODbL\)/);
      await assertAccessible(page, 'default');
      await shot(page, 'default');
    });

    test('low zoom: clusters with status counts, labels that do not overlap', async () => {
      await setZoom(page, 10);
      // Wait for a frame drawn after the zoom settled (a loaded machine may still show one from
      // the animation, with part of the fleet outside its bounds): clusters and the fleet in view.
      const s = await waitFor(
        'clusters with the fleet in view',
        () => stats(page),
        (s) => s.clusters >= 1 && s.drawn >= 20,
      );
      assert.ok(s.drawn <= s.vehicles, `${s.drawn} of ${s.vehicles} drawn`);
      assert.ok(overlapFree(s.labels));
      await shot(page, 'clusters');
      await setZoom(page, 13);
      assert.ok(overlapFree((await stats(page)).labels));
    });

    test('selected: details, follow controls, a deep link that survives a reload', async () => {
      const first = options(page).first();
      const name = ((await first.locator('.name').textContent()) ?? '').trim();
      await first.click();
      await page.locator('vehicle-panel h2', { hasText: name }).waitFor();
      await page.getByRole('combobox', { name: 'Sort by' }).selectOption('speed');
      await page.getByRole('button', { name: 'Re-centre' }).waitFor();
      await assertAccessible(page, 'selected');
      await shot(page, 'selected');
      const link = new URL(page.url());
      assert.ok(link.searchParams.get('v'), 'the selection is in the URL');
      assert.equal(link.searchParams.get('sort'), 'speed');
      // A shared link opens the same view in a new page.
      const shared = await openApp(browser, link.href, viewport);
      await shared.page.locator('vehicle-panel h2', { hasText: name }).waitFor();
      assert.equal(
        await shared.page.getByRole('combobox', { name: 'Sort by' }).inputValue(),
        'speed',
      );
      await shared.close();
    });

    test('Back and Forward move between selections', async () => {
      await page.getByRole('combobox', { name: 'Sort by' }).selectOption('name');
      const firstName = ((await page.locator('vehicle-panel h2').textContent()) ?? '').trim();
      const second = options(page).filter({ hasNotText: firstName }).first();
      const secondName = ((await second.locator('.name').textContent()) ?? '').trim();
      await second.click();
      await page.locator('vehicle-panel h2', { hasText: secondName }).waitFor();
      await page.goBack();
      await page.locator('vehicle-panel h2', { hasText: firstName }).waitFor();
      await page.goForward();
      await page.locator('vehicle-panel h2', { hasText: secondName }).waitFor();
    });

    test('replay: its range and speed are in the link, a reload restores it', async () => {
      const replay = page.locator('replay-bar');
      await replay.getByRole('button', { name: 'Load' }).click();
      await replay.getByRole('button', { name: 'Play replay' }).waitFor();
      await replay.getByRole('combobox', { name: 'Replay speed' }).selectOption('30');
      await assertAccessible(page, 'replay');
      await shot(page, 'replay');
      const link = new URL(page.url());
      assert.ok(link.searchParams.get('from') && link.searchParams.get('to'));
      assert.equal(link.searchParams.get('rate'), '30');
      const reopened = await openApp(browser, link.href, viewport);
      const restored = reopened.page.locator('replay-bar');
      await restored.getByRole('button', { name: 'Play replay' }).waitFor();
      assert.equal(
        await restored.getByRole('combobox', { name: 'Replay speed' }).inputValue(),
        '30',
      );
      await reopened.close();
      await replay.getByRole('button', { name: 'Stop replay' }).click();
      await replay.getByRole('button', { name: 'Play replay' }).waitFor({ state: 'detached' });
    });

    test('fleet replay: every vehicle of the list on one clock', async () => {
      await page.keyboard.press('Escape');
      await page.locator('vehicle-panel h2').waitFor({ state: 'detached' });
      const replay = page.locator('replay-bar');
      assert.match(
        (await replay
          .getByRole('combobox', { name: 'Vehicles' })
          .locator('option:checked')
          .textContent()) ?? '',
        /All in the list \(\d+\)/,
      );
      await replay.getByRole('button', { name: 'Load' }).click();
      await replay.getByRole('button', { name: 'Play replay' }).waitFor({ timeout: 60_000 });
      assert.match(
        (await replay.locator('.note').textContent()) ?? '',
        /\d+ vehicles on one clock/,
      );
      await replay.getByRole('combobox', { name: 'Replay speed' }).selectOption('60');
      await replay.getByRole('button', { name: 'Play replay' }).click();
      const s = await waitFor(
        'several replayed vehicles',
        () => stats(page),
        (s) => s.replayMarkers >= 5,
      );
      assert.ok(s.replayMarkers >= 5);
      assert.equal(new URL(page.url()).searchParams.get('replay'), 'fleet');
      await shot(page, 'fleet-replay');
      await replay.getByRole('button', { name: 'Stop replay' }).click();
      await waitFor(
        'the replay to go',
        () => stats(page),
        (s) => s.replayMarkers === 0,
      );
    });

    test('dark mode: switchable, and it follows the system', async () => {
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await assertAccessible(page, 'dark');
      await shot(page, 'dark');
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
      await page.emulateMedia({ colorScheme: 'dark' });
      await waitFor(
        'the system theme',
        () => page.evaluate(() => document.documentElement.dataset.theme),
        (t) => t === 'dark',
      );
      await page.emulateMedia({ colorScheme: 'light' });
      await waitFor(
        'the system theme',
        () => page.evaluate(() => document.documentElement.dataset.theme),
        (t) => t === 'light',
      );
    });

    test('French: every visible string, numbers and dates through Intl', async () => {
      await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
      await page.getByRole('combobox', { name: 'Unités', exact: true }).waitFor();
      await page.getByRole('searchbox', { name: 'Rechercher un véhicule' }).waitFor();
      await page.locator('replay-bar').getByRole('button', { name: 'Charger' }).waitFor();
      const meta =
        (await page.locator('vehicle-list [role=option] .meta').first().textContent()) ?? '';
      assert.match(meta, /vu (à l’instant|il y a)/);
      await assertAccessible(page, 'French');
      await shot(page, 'french');
      await page.getByRole('combobox', { name: 'Langue' }).selectOption('en');
      assert.deepEqual(app.errors, []);
    });
  });
}

/** A fleet bigger than a screen: every vehicle is reachable by keyboard in the virtual list. */
function bigFleetSuite(viewport: ViewportName, url: () => string) {
  describe(`big fleet ${viewport}`, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    test('End reaches the last vehicle; it can be selected', async () => {
      const app = await openApp(browser, url(), viewport);
      const page = app.page;
      await waitFor(
        'the whole fleet',
        () => stats(page),
        (s) => s.vehicles >= 400,
        60_000,
      );
      const rendered = await options(page).count();
      assert.ok(rendered < 100, `${rendered} rows in the DOM: the list is virtualised`);
      const list = page.locator('vehicle-list [role=listbox]');
      await list.focus();
      await page.keyboard.press('End');
      const setsize = Number(await options(page).first().getAttribute('aria-setsize'));
      const last = page.locator(`vehicle-list [role=option][aria-posinset="${setsize}"]`);
      await last.waitFor();
      assert.equal(await last.evaluate((el) => el.classList.contains('active')), true);
      const lastName = ((await last.locator('.name').textContent()) ?? '').trim();
      await page.keyboard.press('Enter');
      await page.locator('vehicle-panel h2', { hasText: lastName }).waitFor();
      await page.keyboard.press('Home');
      await page.locator('vehicle-list [role=option][aria-posinset="1"].active').waitFor();
      const view = await mapView(page);
      assert.ok(view.zoom >= 15, 'selecting zoomed in');
      await assertAccessible(page, 'big fleet');
      await screenshot(page, `big-fleet-${viewport}`);
      assert.deepEqual(app.errors, []);
      await app.close();
    });
  });
}

let backend: Backend;
let big: Backend;
let nginx: RunningNginx;

before(async () => {
  backend = await startBackend();
  nginx = await startNginx({ webRoot: WEB_DIST, apiUpstream: `${backend.url}api` });
  big = await startBackend({ vehicles: 500 });
});

after(async () => {
  await nginx?.stop();
  await backend?.stop();
  await big?.stop();
});

for (const viewport of ['desktop', 'mobile'] as const) {
  featureSuite('gateway', viewport, () => backend.url);
  featureSuite('nginx', viewport, () => nginx.url);
  bigFleetSuite(viewport, () => big.url);
}
