import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { ARTIFACTS } from './browser.js';

/** The two screen sizes every feature is checked at. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface MapStats {
  vehicles: number;
  drawn: number;
  trailPoints: number;
  latestFixMs: number;
  gliding?: number;
  clusters?: number;
}

/** Reads the map's own counters (vehicles known, drawn in view, trail points…). */
export const mapStats = (page: Page): Promise<MapStats> =>
  page.evaluate(() => {
    const app = document.querySelector('fleet-app');
    const map = app?.shadowRoot?.querySelector('fleet-map') as unknown as {
      stats: MapStats;
    } | null;
    return map?.stats ?? { vehicles: 0, drawn: 0, trailPoints: 0, latestFixMs: 0 };
  });

export interface MapView {
  lat: number;
  lng: number;
  zoom: number;
  /** Map size in CSS pixels. */
  width: number;
  height: number;
}

/** The Leaflet view (the `map` field of fleet-map is the L.Map). */
export const mapView = (page: Page): Promise<MapView> =>
  page.evaluate(() => {
    const el = document.querySelector('fleet-app')?.shadowRoot?.querySelector('fleet-map') as
      | (Element & {
          map?: {
            getCenter(): { lat: number; lng: number };
            getZoom(): number;
            getSize(): { x: number; y: number };
          };
        })
      | null;
    const map = el?.map;
    if (!map) throw new Error('no Leaflet map on fleet-map');
    const c = map.getCenter();
    const s = map.getSize();
    return { lat: c.lat, lng: c.lng, zoom: map.getZoom(), width: s.x, height: s.y };
  });

/** The view once it has stopped moving (after a drag Leaflet's inertia carries on a little). */
export async function settledView(page: Page): Promise<MapView> {
  let last = await mapView(page);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await mapView(page);
    if (next.zoom === last.zoom && pixelsFromCentre(next, last.lat, last.lng) < 0.5) return next;
    last = next;
  }
  return last;
}

/** Pixel distance at the current zoom between the view centre and a point (Web Mercator). */
export function pixelsFromCentre(view: MapView, lat: number, lng: number): number {
  const scale = 256 * 2 ** view.zoom;
  const x = (l: number) => ((l + 180) / 360) * scale;
  const y = (l: number) => {
    const s = Math.sin((l * Math.PI) / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
  };
  return Math.hypot(x(lng) - x(view.lng), y(lat) - y(view.lat));
}

export async function waitFor<T>(
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AppPage {
  page: Page;
  /** Uncaught page errors; every test ends by asserting it is empty. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context and page on `url` at a named viewport. */
export async function openApp(
  browser: Browser,
  url: string,
  viewport: ViewportName,
  options: BrowserContextOptions & { beforeGoto?: (page: Page) => Promise<void> } = {},
): Promise<AppPage> {
  const { beforeGoto, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], ...contextOptions });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await beforeGoto?.(page);
  await page.goto(url);
  // On a phone the list may start below the fold: the virtual list then renders few rows.
  await page
    .locator('vehicle-list [role=option]')
    .first()
    .waitFor({ state: 'attached', timeout: 30_000 });
  return { page, errors, close: () => context.close() };
}

/** The text of the `<dd>` after the `<dt>` reading `label` inside a component (shadow DOM). */
export function definition(page: Page, component: string, label: string): Promise<string | null> {
  return page.evaluate(
    ([tag, text]) => {
      const host = document.querySelector('fleet-app')?.shadowRoot?.querySelector(tag!);
      const dt = [...(host?.shadowRoot?.querySelectorAll('dt') ?? [])].find(
        (el) => el.textContent?.trim() === text,
      );
      const dd = dt?.nextElementSibling;
      return dd?.tagName === 'DD' ? (dd.textContent ?? '').trim() : null;
    },
    [component, label],
  );
}

/** The selected vehicle's "Last seen" text and position, as the panel shows them. */
export async function panelFacts(page: Page): Promise<{ seen: string; lat: number; lng: number }> {
  const seen = (await definition(page, 'vehicle-panel', 'Last seen')) ?? '';
  const position = (await definition(page, 'vehicle-panel', 'Position')) ?? '';
  const [lat, lng] = position.split(',').map((s) => Number(s.trim()));
  return { seen, lat: lat ?? NaN, lng: lng ?? NaN };
}

/** Drags the map by (dx, dy) CSS pixels with the mouse, from its centre. */
export async function dragMap(page: Page, dx: number, dy: number): Promise<void> {
  // Off-screen points receive no mouse events: bring the map into the viewport first.
  await page.locator('fleet-map').scrollIntoViewIfNeeded();
  const box = await page.locator('fleet-map').boundingBox();
  if (!box) throw new Error('fleet-map is not laid out');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(x + (dx * i) / 10, y + (dy * i) / 10);
  await page.mouse.up();
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page (it pierces open shadow roots) and returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: nginx's CSP (script-src 'self') rightly refuses
  // an injected <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    })) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
}

/** A screenshot named `<suite>-<state>.png` in test-artifacts/web/. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}
