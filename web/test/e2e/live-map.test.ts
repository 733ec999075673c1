import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBackend, WEB_DIST, type Backend } from '../support/backend.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';

/** Reads the map's own counters (vehicles known, drawn in view, trail points). */
const mapStats = (page: Page) =>
  page.evaluate(() => {
    const app = document.querySelector('fleet-app');
    const map = app?.shadowRoot?.querySelector('fleet-map') as unknown as {
      stats: { vehicles: number; drawn: number; trailPoints: number; latestFixMs: number };
    } | null;
    return map?.stats ?? { vehicles: 0, drawn: 0, trailPoints: 0, latestFixMs: 0 };
  });

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

/** The whole user journey, once straight at the gateway and once through nginx. */
function liveMapSuite(name: string, entry: () => { url: string; backend: Backend }) {
  describe(name, () => {
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    before(async () => {
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(entry().url);
    });

    after(async () => {
      await browser?.close();
    });

    test('vehicles appear in the list and on the map', async () => {
      const stats = await waitFor(
        '20 vehicles on the map',
        () => mapStats(page),
        (s) => s.vehicles >= 20 && s.drawn >= 20,
      );
      assert.ok(stats.drawn >= 20);
      await page.locator('vehicle-list [role=option]').nth(19).waitFor();
      assert.ok((await page.locator('vehicle-list [role=option]').count()) >= 20);
      await page.locator('.connection[data-state=live]').waitFor();
      assert.deepEqual(errors, []);
    });

    test('selecting a vehicle shows its details and a trail that grows live', async () => {
      const first = page.locator('vehicle-list [role=option]').first();
      const vehicleName = (await first.locator('.name').textContent()) ?? '';
      await first.focus();
      await page.keyboard.press('Enter');
      await page.locator('vehicle-panel h2', { hasText: vehicleName }).waitFor();
      assert.equal(await first.getAttribute('aria-selected'), 'true');
      const before = await waitFor(
        'a trail',
        () => mapStats(page),
        (s) => s.trailPoints >= 2,
      );
      await waitFor(
        'the trail to grow',
        () => mapStats(page),
        (s) => s.trailPoints > before.trailPoints,
      );
      await page.screenshot({ path: `${ARTIFACTS}${name}-live-selected-trail.png` });
    });

    test('replay loads the history, plays and stops', async () => {
      const replay = page.locator('replay-bar');
      await replay.getByRole('button', { name: 'Load' }).click();
      await replay.getByRole('button', { name: 'Play replay' }).waitFor();
      // A slow rate: against the real stack the history is only as old as the stack (seconds),
      // and at 60× the replay would reach its end before it could be paused.
      await replay.getByLabel('Replay speed').selectOption('2');
      const clock = replay.locator('.clock');
      const start = Number(await clock.getAttribute('data-replay-time'));
      await replay.getByRole('button', { name: 'Play replay' }).click();
      await waitFor(
        'replay time to advance',
        async () => Number(await clock.getAttribute('data-replay-time')),
        (t) => t > start + 600,
      );
      await page.screenshot({ path: `${ARTIFACTS}${name}-replay.png` });
      await replay.getByRole('button', { name: 'Pause replay' }).click();
      const paused = Number(await clock.getAttribute('data-replay-time'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(Number(await clock.getAttribute('data-replay-time')), paused);
      await replay.getByRole('button', { name: 'Stop replay' }).click();
      await clock.waitFor({ state: 'detached' });
    });

    test('after the gateway restarts the page resumes without a reload', async () => {
      const { backend } = entry();
      await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
      // Record every connection state the badge shows while the gateway goes away and back.
      const seen = new Set<string>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          seen.add((await page.locator('.connection').getAttribute('data-state')) ?? '');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await backend.restart();
      const restartedAt = Date.now();
      await waitFor(
        'the badge to show reconnecting',
        async () => seen.has('reconnecting'),
        Boolean,
        30_000,
      );
      await page.locator('.connection[data-state=live]').waitFor({ timeout: 30_000 });
      watching = false;
      await watcher;
      // Fixes taken after the restart reach the page.
      await waitFor(
        'fixes newer than the restart',
        () => mapStats(page),
        (s) => s.latestFixMs > restartedAt,
        30_000,
      );
      const panelSpeed = page.locator('vehicle-panel .speed');
      await panelSpeed.waitFor();
      // Fresh positions flow again: the known vehicles are back and the page is the same one.
      await waitFor(
        'vehicles after the restart',
        () => mapStats(page),
        (s) => s.vehicles >= 20,
      );
      assert.equal(
        await page.evaluate(() => (window as unknown as { marker?: boolean }).marker),
        true,
      );
      await page.screenshot({ path: `${ARTIFACTS}${name}-after-restart.png` });
      assert.deepEqual(errors, []);
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

liveMapSuite('gateway', () => ({ url: backend.url, backend }));
liveMapSuite('nginx', () => ({ url: nginx.url, backend }));
