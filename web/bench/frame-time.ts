/**
 * Frame-time benchmark (not a test): loads the built page in headless Chromium against the
 * fake feed with 500 … 50,000 vehicles at 1 Hz and prints frame time p50/p95 and long tasks
 * over a measuring window, in two views: the whole fleet (fitted, clustered) and a street
 * view (zoom 15, every vehicle in it drawn). Prints the machine's load with the table: the
 * figures mean little on a busy machine. Run `npm run build -w @fleetman/web` first.
 *   BENCH_SIZES=500,2000 BENCH_VIEWS=fleet BENCH_SECONDS=10 npm run bench -w @fleetman/web
 */
import { cpus, loadavg } from 'node:os';
import { startFakeFeed } from './fake-feed.js';
import { launchBrowser } from '../test/support/browser.js';
import { requireWebBuild, WEB_DIST } from '../test/support/backend.js';

const sizes = (process.env.BENCH_SIZES ?? '500,2000,10000,50000').split(',').map(Number);
const views = (process.env.BENCH_VIEWS ?? 'fleet,street').split(',') as ('fleet' | 'street')[];
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

interface Sample {
  frames: number[];
  longTasks: number[];
  drawn: number;
  streetsLoadMs: number | undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const startLoad = loadavg();
// BENCH_DIST compares another build (e.g. main's) under the same conditions.
const dist = process.env.BENCH_DIST ?? WEB_DIST;
if (!process.env.BENCH_DIST) requireWebBuild();
const browser = await launchBrowser();
const rows: string[] = [];
const streetLoads: number[] = [];
try {
  for (const vehicles of sizes)
    for (const view of views) {
      const feed = await startFakeFeed({ vehicles, staticDir: dist });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // tsx compiles with keepNames, so evaluated functions call an __name helper.
      await page.addInitScript('window.__name = (f) => f');
      await page.goto(feed.url);
      // Let the snapshot land and the map fit the fleet before measuring.
      await page.waitForFunction(
        (n) => {
          const map = document
            .querySelector('fleet-app')
            ?.shadowRoot?.querySelector('fleet-map') as unknown as {
            stats: { vehicles: number };
          } | null;
          return (map?.stats.vehicles ?? 0) >= n;
        },
        vehicles,
        { timeout: 60_000 },
      );
      if (view === 'street') {
        await page.evaluate(() => {
          const el = document
            .querySelector('fleet-app')!
            .shadowRoot!.querySelector('fleet-map') as unknown as {
            map: { setView(c: [number, number], z: number, o: unknown): void };
          };
          el.map.setView([57.7, 11.97], 15, { animate: false });
        });
      }
      await page.waitForTimeout(2000);
      const sample = await page.evaluate(async (ms): Promise<Sample> => {
        const frames: number[] = [];
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) =>
          list.getEntries().forEach((e) => longTasks.push(e.duration)),
        );
        observer.observe({ type: 'longtask', buffered: false });
        await new Promise<void>((resolve) => {
          const end = performance.now() + ms;
          let last = performance.now();
          const frame = (now: number) => {
            frames.push(now - last);
            last = now;
            if (now < end) requestAnimationFrame(frame);
            else resolve();
          };
          requestAnimationFrame(frame);
        });
        observer.disconnect();
        const map = document
          .querySelector('fleet-app')
          ?.shadowRoot?.querySelector('fleet-map') as unknown as {
          stats: { drawn: number; streetsLoadMs?: number };
        };
        return {
          frames,
          longTasks,
          drawn: map.stats.drawn,
          streetsLoadMs: map.stats.streetsLoadMs,
        };
      }, seconds * 1000);
      await page.close();
      await feed.close();
      if (sample.streetsLoadMs !== undefined) streetLoads.push(sample.streetsLoadMs);
      const sorted = [...sample.frames].sort((a, b) => a - b);
      const longTotal = sample.longTasks.reduce((a, b) => a + b, 0);
      rows.push(
        `| ${vehicles.toLocaleString('en')} | ${view} | ${sample.drawn} | ${sample.frames.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${sample.longTasks.length} | ${Math.round(longTotal)} |`,
      );
      console.log(rows.at(-1));
    }
} finally {
  await browser.close();
}
console.log(
  `\nFrame time over ${seconds} s per fleet size (headless Chromium, fake feed at 1 Hz):\n`,
);
console.log(
  '| vehicles | view | drawn in view | frames | p50 ms | p95 ms | long tasks | long-task ms |',
);
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
if (streetLoads.length > 0) {
  console.log(
    `\nOffline streets, file request to roads drawn: ${streetLoads.map((ms) => Math.round(ms)).join(', ')} ms`,
  );
}
console.log(
  `\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; load average ` +
    `${startLoad.map((l) => l.toFixed(1)).join(' / ')} at the start, ` +
    `${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end (1 / 5 / 15 min)`,
);
