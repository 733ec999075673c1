import * as L from 'leaflet';

/** The compact roads file (see web/data/README.md); Vite gives it a hashed URL. */
const ROADS_URL = new URL('../../data/gothenburg-roads.json', import.meta.url).href;

interface RoadsFile {
  attribution: string;
  scale: number;
  layers: Record<string, number[][]>;
}

export interface StreetsTheme {
  background: string;
  motorway: string;
  major: string;
  street: string;
  service: string;
}

export const LIGHT_STREETS: StreetsTheme = {
  background: '#f2efe9',
  motorway: '#e8a25a',
  major: '#f7d38a',
  street: '#ffffff',
  service: '#ffffff',
};

export const DARK_STREETS: StreetsTheme = {
  background: '#1b1f24',
  motorway: '#8a5a2b',
  major: '#6b5a33',
  street: '#3a4049',
  service: '#2f343b',
};

/** Layer → [from zoom, line width at zoom 15]. */
const STYLE: Record<keyof Omit<StreetsTheme, 'background'>, [number, number]> = {
  motorway: [0, 6],
  major: [0, 5],
  street: [12, 3.5],
  service: [14, 2],
};

/**
 * The offline base map: the simulated city's roads drawn as vectors on one canvas renderer
 * in their own pane under every overlay (Leaflet moves the canvas during pans and redraws
 * on moveend). Loaded once, lazily, from a ~120 KB (gzipped) file.
 */
export class StreetsOverlay {
  private readonly pane: HTMLElement;
  private readonly renderer: L.Canvas;
  private readonly lines = new Map<string, L.Polyline>();
  private theme = LIGHT_STREETS;
  /** Resolves once the roads are drawn (or failed to load: the map stays usable). */
  readonly ready: Promise<void>;
  loadedWays = 0;
  /** Milliseconds from asking for the file to the roads being on the map (the bench prints it). */
  loadMs: number | undefined;

  constructor(
    private readonly map: L.Map,
    private readonly container: HTMLElement,
    attribution: string,
  ) {
    this.pane = map.createPane('streets');
    this.pane.style.zIndex = '150';
    this.renderer = L.canvas({ pane: 'streets', padding: 0.3 });
    map.attributionControl?.addAttribution(attribution);
    map.on('zoomend', () => this.applyZoom());
    this.ready = this.load();
  }

  setTheme(theme: StreetsTheme): void {
    this.theme = theme;
    this.container.style.background = theme.background;
    for (const [layer, line] of this.lines) {
      line.setStyle({ color: theme[layer as keyof typeof STYLE] });
    }
  }

  private async load(): Promise<void> {
    const started = performance.now();
    this.container.style.background = this.theme.background;
    let file: RoadsFile;
    try {
      const response = await fetch(ROADS_URL);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      file = (await response.json()) as RoadsFile;
    } catch (error) {
      console.warn(`offline streets unavailable: ${(error as Error).message}`);
      return;
    }
    for (const layer of Object.keys(STYLE) as (keyof typeof STYLE)[]) {
      const ways = file.layers[layer] ?? [];
      const latLngs = ways.map((encoded) => decode(encoded, file.scale));
      this.loadedWays += ways.length;
      this.lines.set(
        layer,
        L.polyline(latLngs, {
          renderer: this.renderer,
          interactive: false,
          color: this.theme[layer],
          weight: STYLE[layer][1],
          lineCap: 'round',
          lineJoin: 'round',
          smoothFactor: 1.5,
        }),
      );
    }
    this.applyZoom();
    this.loadMs = performance.now() - started;
  }

  /** Minor roads only from their zoom on; widths scale with the zoom. */
  private applyZoom(): void {
    const zoom = this.map.getZoom();
    for (const [layer, line] of this.lines) {
      const [fromZoom, width] = STYLE[layer as keyof typeof STYLE];
      const visible = zoom >= fromZoom;
      if (visible) {
        line.setStyle({ weight: Math.max(0.6, width * 2 ** ((zoom - 15) * 0.6)) });
        if (!this.map.hasLayer(line)) line.addTo(this.map);
      } else {
        line.remove();
      }
    }
  }
}

function decode(encoded: number[], scale: number): L.LatLngTuple[] {
  const out: L.LatLngTuple[] = [];
  let x = 0;
  let y = 0;
  for (let i = 0; i < encoded.length; i += 2) {
    x += encoded[i]!;
    y += encoded[i + 1]!;
    out.push([y / scale, x / scale]);
  }
  return out;
}
