/**
 * The defects issue 9 lists under "Why", one test each, at a desktop and a 390×844 phone
 * viewport, straight at the gateway and through nginx. Each failed on the code before the fix.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBackend, WEB_DIST, type Backend } from '../support/backend.js';
import { launchBrowser } from '../support/browser.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import {
  definition,
  dragMap,
  mapStats,
  mapView,
  openApp,
  panelFacts,
  pixelsFromCentre,
  settledView,
  sleep,
  waitFor,
  type AppPage,
  type ViewportName,
} from '../support/app.js';

const options = (page: Page) => page.locator('vehicle-list [role=option]');

async function selectFirst(page: Page): Promise<string> {
  const first = options(page).first();
  await first.scrollIntoViewIfNeeded();
  const name = ((await first.locator('.name').textContent()) ?? '').trim();
  // Clicking the selected row would deselect it.
  if ((await first.getAttribute('aria-selected')) !== 'true') await first.click();
  await page.locator('vehicle-panel h2', { hasText: name }).waitFor();
  return name;
}

/** Waits until the selected vehicle has reported again (its "Last seen" clock time changes). */
async function nextFixOfSelected(page: Page): Promise<void> {
  const clockTime = async () => /\((.*)\)/.exec((await panelFacts(page)).seen)?.[1] ?? '';
  const before = await clockTime();
  await waitFor('a new fix of the selected vehicle', clockTime, (t) => t !== before, 30_000);
  // A pan started by that fix would take 0.5 s.
  await sleep(1200);
}

function defectSuite(
  name: string,
  viewport: ViewportName,
  entry: () => { url: string; backend: Backend },
) {
  describe(`${name} ${viewport}`, () => {
    let browser: Browser;
    let app: AppPage;
    let page: Page;
    const drag = viewport === 'mobile' ? 170 : 400;

    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    test('the list keeps its height and the panel sits beside it, not over it', async () => {
      app = await openApp(browser, entry().url, viewport);
      page = app.page;
      await selectFirst(page);
      const list = await page.locator('vehicle-list [role=listbox]').boundingBox();
      const panel = await page.locator('vehicle-panel').boundingBox();
      const map = await page.locator('fleet-map').boundingBox();
      assert.ok(list && panel && map);
      assert.ok(list.height >= 200, `list is ${list.height} px high`);
      assert.ok(map.height >= 250, `map is ${map.height} px high`);
      const overlaps =
        panel.y < list.y + list.height &&
        list.y < panel.y + panel.height &&
        panel.x < list.x + list.width &&
        list.x < panel.x + panel.width;
      assert.equal(
        overlaps,
        false,
        `panel ${JSON.stringify(panel)} over list ${JSON.stringify(list)}`,
      );
    });

    test('Escape closes the panel', async () => {
      await page.locator('vehicle-panel h2').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('vehicle-panel h2').waitFor({ state: 'detached' });
    });

    test('selecting at a low zoom zooms in on the vehicle', async () => {
      await page.evaluate(() => {
        const el = document
          .querySelector('fleet-app')!
          .shadowRoot!.querySelector('fleet-map') as unknown as {
          map: { setZoom(z: number, o: unknown): void };
        };
        el.map.setZoom(9, { animate: false });
      });
      await selectFirst(page);
      const view = await waitFor(
        'the map to zoom in',
        () => mapView(page),
        (v) => v.zoom >= 15,
      );
      const { lat, lng } = await panelFacts(page);
      assert.ok(pixelsFromCentre(view, lat, lng) < Math.min(view.width, view.height) / 2);
    });

    test('follow is a toggle: panning away turns it off and the map stays; re-centre follows again', async () => {
      await dragMap(page, drag, 0);
      const moved = await settledView(page);
      await nextFixOfSelected(page);
      const later = await mapView(page);
      assert.ok(
        pixelsFromCentre(later, moved.lat, moved.lng) < 5,
        `the map moved back by ${pixelsFromCentre(later, moved.lat, moved.lng)} px`,
      );
      const follow = page.getByRole('button', { name: 'Follow', exact: true });
      assert.equal(await follow.getAttribute('aria-pressed'), 'false');
      await page.getByRole('button', { name: 'Re-centre' }).click();
      assert.equal(await follow.getAttribute('aria-pressed'), 'true');
      await waitFor(
        'the map to centre on the vehicle',
        async () => ({ view: await mapView(page), at: await panelFacts(page) }),
        ({ view, at }) => pixelsFromCentre(view, at.lat, at.lng) < 60,
      );
    });

    test('replay owns the map: the live vehicle does not pull it back, Stop gives it back', async () => {
      const replay = page.locator('replay-bar');
      await replay.getByRole('button', { name: 'Load' }).click();
      await replay.getByRole('button', { name: 'Play replay' }).waitFor();
      const fitted = await settledView(page);
      await nextFixOfSelected(page);
      const kept = await mapView(page);
      assert.equal(kept.zoom, fitted.zoom, 'the zoom-to-route was undone');
      assert.ok(pixelsFromCentre(kept, fitted.lat, fitted.lng) < 5, 'the live pan moved the map');
      await dragMap(page, -drag, 0);
      const moved = await settledView(page);
      await nextFixOfSelected(page);
      const still = await mapView(page);
      assert.ok(pixelsFromCentre(still, moved.lat, moved.lng) < 5, 'the map jumped back');
      const follow = page.getByRole('button', { name: 'Follow', exact: true });
      assert.equal(
        await follow.getAttribute('aria-pressed'),
        'false',
        'the drag turned follow off',
      );
      await follow.click();
      await replay.getByRole('button', { name: 'Stop replay' }).click();
      await nextFixOfSelected(page);
      // The vehicle keeps moving: compare the view with where it is at each probe.
      await waitFor(
        'the map to follow the live vehicle again',
        async () => ({ view: await mapView(page), at: await panelFacts(page) }),
        ({ view, at }) =>
          pixelsFromCentre(view, at.lat, at.lng) < Math.min(view.width, view.height) / 2,
      );
    });

    test('distance follows the speed unit', async () => {
      await page.getByRole('combobox', { name: 'Units', exact: true }).selectOption('mph');
      const replay = page.locator('replay-bar');
      await replay.getByRole('button', { name: 'Load' }).click();
      const distance = () => definition(page, 'replay-bar', 'Distance');
      await waitFor('trip figures', distance, (d) => d !== null);
      assert.match((await distance()) ?? '', /\d (mi|ft)$/);
      await page.getByRole('combobox', { name: 'Units', exact: true }).selectOption('kmh');
      await waitFor('distance in km', distance, (d) => /\d (km|m)$/.test(d ?? ''));
    });

    test('a bad range shows an error: old figures go, Export downloads nothing', async () => {
      const replay = page.locator('replay-bar');
      const downloads: string[] = [];
      page.on('download', (d) => downloads.push(d.suggestedFilename()));
      await waitFor('trip figures', () => definition(page, 'replay-bar', 'Distance'), Boolean);
      await replay.getByLabel('From', { exact: true }).fill('2030-01-02T10:00');
      await replay.getByLabel('To', { exact: true }).fill('2030-01-02T09:00');
      await replay.getByRole('button', { name: 'Load' }).click();
      await replay.getByRole('alert').waitFor();
      assert.equal(await definition(page, 'replay-bar', 'Distance'), null, 'old figures stayed');
      await replay.getByRole('button', { name: 'Clear message' }).click();
      await replay.getByRole('alert').waitFor({ state: 'detached' });
      await replay.getByRole('button', { name: 'Export GPX' }).click();
      await replay.getByRole('alert').waitFor();
      assert.deepEqual(downloads, []);
    });

    test('list wording: no "just now ago"; an empty search says so', async () => {
      await page.locator('vehicle-list [role=listbox]').scrollIntoViewIfNeeded();
      await options(page).nth(4).waitFor();
      const metas = await page.locator('vehicle-list [role=option] .meta').allTextContents();
      assert.ok(metas.length >= 5, `${metas.length} rows`);
      for (const meta of metas) assert.doesNotMatch(meta, /just now ago/);
      const search = page.getByRole('searchbox', { name: 'Search vehicles' });
      await search.fill('no-such-vehicle-zz');
      await page.getByText('No vehicle matches “no-such-vehicle-zz”').waitFor();
      await search.fill('');
    });

    test('"Last seen" sorting keeps its order between fixes', async () => {
      await page.getByRole('combobox', { name: 'Sort by' }).selectOption('lastSeen');
      const order = () => page.locator('vehicle-list [role=option] .name').allTextContents();
      const first = await order();
      for (let i = 0; i < 3; i++) {
        const before = (await mapStats(page)).latestFixMs;
        await waitFor(
          'new fixes',
          () => mapStats(page),
          (s) => s.latestFixMs > before,
        );
        await sleep(1100);
        assert.deepEqual(await order(), first);
      }
      await page.getByRole('combobox', { name: 'Sort by' }).selectOption('name');
    });

    test('accessibility: main landmark, skip link, visible label is the accessible name', async () => {
      assert.equal(await page.getByRole('main').count(), 1);
      await page.getByRole('combobox', { name: 'Units', exact: true }).waitFor();
      // From a fresh load, the first Tab lands on the skip link.
      await page.reload();
      await options(page).first().waitFor({ state: 'attached' });
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to the vehicle list' });
      await skip.waitFor();
      assert.equal(await skip.evaluate((el) => el.matches(':focus')), true);
      await page.keyboard.press('Enter');
      const focusedInList = await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) {
          if (el.tagName === 'VEHICLE-LIST') return true;
          el = el.shadowRoot.activeElement;
        }
        return el?.tagName === 'VEHICLE-LIST';
      });
      assert.equal(focusedInList, true);
      assert.deepEqual(app.errors, []);
    });

    test('clocks keep ticking while the stream is down', async () => {
      await selectFirst(page);
      await page.route('**/api/stream**', (route) => route.abort());
      await entry().backend.restart();
      await page.locator('.connection[data-state=reconnecting]').waitFor({ timeout: 30_000 });
      const seen = async () => (await panelFacts(page)).seen;
      const frozen = await seen();
      await waitFor('"Last seen" to tick during the outage', seen, (s) => s !== frozen, 10_000);
      await page.unroute('**/api/stream**');
      await page.locator('.connection[data-state=live]').waitFor({ timeout: 30_000 });
      await app.close();
    });

    test('the default replay range ends when Load is pressed, not when the page opened', async () => {
      const clocked = await openApp(browser, entry().url, viewport, {
        beforeGoto: (p) => p.clock.install(),
      });
      await selectFirst(clocked.page);
      const opened = await clocked.page.evaluate(() => Date.now());
      await clocked.page.clock.setSystemTime(opened + 5 * 60_000);
      const request = clocked.page.waitForRequest(
        (r) => /\/history\?/.test(r.url()) && /limit=/.test(r.url()),
      );
      const pressed = await clocked.page.evaluate(() => Date.now());
      await clocked.page.locator('replay-bar').getByRole('button', { name: 'Load' }).click();
      const to = Date.parse(new URL((await request).url()).searchParams.get('to') ?? '');
      assert.ok(to >= pressed, `the range ends ${Math.round((pressed - to) / 1000)} s before Load`);
      await clocked.close();
    });

    test('reduced motion: no gliding markers and no map animations', async () => {
      const calm = await openApp(browser, entry().url, viewport, { reducedMotion: 'reduce' });
      const animations = await calm.page.evaluate(() => {
        const el = document
          .querySelector('fleet-app')!
          .shadowRoot!.querySelector('fleet-map') as unknown as {
          map: { options: Record<string, unknown> };
        };
        const o = el.map.options;
        return [o.zoomAnimation, o.fadeAnimation, o.markerZoomAnimation];
      });
      assert.deepEqual(animations, [false, false, false]);
      for (let i = 0; i < 10; i++) {
        assert.equal((await mapStats(calm.page)).gliding, 0);
        await sleep(200);
      }
      await calm.close();
    });
  });
}

let backend: Backend;
let nginx: RunningNginx;

before(async () => {
  backend = await startBackend();
  nginx = await startNginx({ webRoot: WEB_DIST, apiUpstream: `${backend.url}api` });
});

after(async () => {
  await nginx?.stop();
  await backend?.stop();
});

for (const viewport of ['desktop', 'mobile'] as const) {
  defectSuite('gateway', viewport, () => ({ url: backend.url, backend }));
  defectSuite('nginx', viewport, () => ({ url: nginx.url, backend }));
}
