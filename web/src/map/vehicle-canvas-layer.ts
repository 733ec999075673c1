import * as L from 'leaflet';
import { MarkerMotion, MAX_GLIDE_MS, type Pose } from '../domain/motion.js';
import { STATUS_COLOURS, opacityForAge } from '../domain/status-style.js';
import { VEHICLE_STATUSES, type Vehicle, type VehicleStatus } from '../domain/vehicle.js';
import { CLUSTER_BELOW_ZOOM, ClusterIndex, type StatusCounts } from './cluster-index.js';
import { LabelLayout, type Box, type LabelCandidate } from './label-layout.js';

interface MarkerState {
  vehicle: Vehicle;
  motion: MarkerMotion;
}

export interface CanvasTheme {
  label: string;
  halo: string;
  ring: string;
  outline: string;
  clusterFill: string;
}

export const LIGHT_CANVAS: CanvasTheme = {
  label: '#111827',
  halo: 'rgba(255,255,255,0.92)',
  ring: '#111827',
  outline: '#ffffff',
  clusterFill: 'rgba(255,255,255,0.92)',
};

export const DARK_CANVAS: CanvasTheme = {
  label: '#f3f4f6',
  halo: 'rgba(13,17,23,0.92)',
  ring: '#f3f4f6',
  outline: '#0d1117',
  clusterFill: 'rgba(22,27,34,0.92)',
};

export type HitResult =
  { kind: 'vehicle'; id: string } | { kind: 'cluster'; lat: number; lng: number; zoom: number };

/** At most this many names are tried per frame (the layout does the rest). */
const LABEL_CANDIDATES = 400;
const HIT_RADIUS_PX = 12;
/** Gliding markers move a few metres per frame: cull on their target with this margin. */
const CULL_MARGIN_DEG = 0.01;

/**
 * Draws every vehicle on one canvas above the map: thousands of DOM markers cost layout and
 * style work on every move, a canvas costs one batched fill per colour. Markers are kept by
 * vehicle id and updated in place; each glides from where it is drawn to its newest fix
 * (snaps instead under prefers-reduced-motion). Below CLUSTER_BELOW_ZOOM nearby vehicles
 * are drawn as clusters with a ring of status counts; names are placed so none overlap.
 */
export class VehicleCanvasLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly markers = new Map<string, MarkerState>();
  private readonly clusters = new ClusterIndex();
  private readonly widths = new Map<string, number>();
  private frameRequested = false;
  private selectedId: string | undefined;
  private theme = LIGHT_CANVAS;
  private dimmed = false;
  private lastHits: { x: number; y: number; hit: HitResult }[] = [];
  /** Vehicles drawn in the last frame (inside the view, clustered or not). */
  drawnCount = 0;
  clusterCount = 0;
  glidingCount = 0;
  /** The label boxes of the last frame, for the e2e overlap check. */
  labelBoxes: Box[] = [];

  constructor(
    private readonly map: L.Map,
    private readonly reducedMotion = false,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'vehicle-canvas';
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getContainer().appendChild(this.canvas);
    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is not available');
    this.context = context;
    map.on('move zoom resize viewreset', () => this.requestDraw());
    this.resize();
  }

  get size(): number {
    return this.markers.size;
  }

  vehicle(id: string): Vehicle | undefined {
    return this.markers.get(id)?.vehicle;
  }

  poseOf(id: string): Pose | undefined {
    return this.markers.get(id)?.motion.poseAt(performance.now());
  }

  setSelected(id: string | undefined): void {
    this.selectedId = id;
    this.requestDraw();
  }

  setTheme(theme: CanvasTheme): void {
    this.theme = theme;
    this.requestDraw();
  }

  /** While a replay owns the map, the live fleet is drawn faint. */
  setDimmed(dimmed: boolean): void {
    this.dimmed = dimmed;
    this.requestDraw();
  }

  update(changed: readonly Vehicle[], snap: boolean): void {
    const now = performance.now();
    for (const vehicle of changed) {
      const target = { lat: vehicle.lat, lng: vehicle.lng, heading: vehicle.heading };
      const existing = this.markers.get(vehicle.id);
      if (!existing) {
        this.markers.set(vehicle.id, { vehicle, motion: new MarkerMotion(target) });
        continue;
      }
      const fixGapMs = Date.parse(vehicle.time) - Date.parse(existing.vehicle.time);
      existing.vehicle = vehicle;
      if (this.reducedMotion || snap || !(fixGapMs > 0) || fixGapMs > MAX_GLIDE_MS)
        existing.motion.snapTo(target);
      else existing.motion.moveTo(target, now, fixGapMs);
    }
    if (changed.length > 0) this.clusters.markDirty();
    this.requestDraw();
  }

  /** What was drawn nearest to a point of the map container, if close enough to click. */
  hitTest(point: L.Point): HitResult | undefined {
    let best: HitResult | undefined;
    let bestDistance = HIT_RADIUS_PX;
    for (const { x, y, hit } of this.lastHits) {
      const radius = hit.kind === 'cluster' ? 22 : HIT_RADIUS_PX;
      const distance = Math.hypot(point.x - x, point.y - y);
      if (distance < radius && distance < bestDistance + (hit.kind === 'cluster' ? 10 : 0)) {
        bestDistance = distance;
        best = hit;
      }
    }
    return best;
  }

  requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.draw()) this.requestDraw();
    });
  }

  private resize(): boolean {
    const { x, y } = this.map.getSize();
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width === Math.round(x * ratio) && this.canvas.height === Math.round(y * ratio))
      return false;
    this.canvas.width = Math.round(x * ratio);
    this.canvas.height = Math.round(y * ratio);
    this.canvas.style.width = `${x}px`;
    this.canvas.style.height = `${y}px`;
    return true;
  }

  /** Draws one frame; returns true while some marker is still gliding. */
  private draw(): boolean {
    this.resize();
    const ctx = this.context;
    const ratio = window.devicePixelRatio || 1;
    const { x: width, y: height } = this.map.getSize();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const now = performance.now();
    const wallNow = Date.now();
    const zoom = this.map.getZoom();
    const project = this.projector();
    const bounds = this.map.getBounds();
    const west = bounds.getWest() - CULL_MARGIN_DEG;
    const east = bounds.getEast() + CULL_MARGIN_DEG;
    const south = bounds.getSouth() - CULL_MARGIN_DEG;
    const north = bounds.getNorth() + CULL_MARGIN_DEG;

    const buckets = new Map<string, Path2D>();
    const labels: (LabelCandidate & { name: string })[] = [];
    const hits: { x: number; y: number; hit: HitResult }[] = [];
    const clusterBoxes: { x: number; y: number; r: number; count: number; counts: StatusCounts }[] =
      [];
    let selected: { x: number; y: number; name: string } | undefined;
    let gliding = 0;
    let drawn = 0;
    // Past a thousand vehicles, plain squares without outline: a quarter of the raster work.
    const small = this.markers.size > 1000;

    const drawVehicle = (id: string, state: MarkerState) => {
      const { vehicle, motion } = state;
      const pose = motion.poseAt(now);
      const [x, y] = project(pose.lat, pose.lng);
      if (x < -20 || y < -20 || x > width + 20 || y > height + 20) return;
      // Only markers gliding in view keep the frames coming (clustered ones do not).
      if (motion.isGliding(now)) gliding++;
      drawn++;
      const opacity = Math.round(opacityForAge(wallNow - Date.parse(vehicle.lastSeen)) * 10) / 10;
      const key = `${vehicle.status}|${opacity}`;
      let path = buckets.get(key);
      if (!path) buckets.set(key, (path = new Path2D()));
      if (small && id !== this.selectedId) path.rect(x - 2.5, y - 2.5, 5, 5);
      else addArrow(path, x, y, pose.heading, vehicle.status === 'moving');
      hits.push({ x, y, hit: { kind: 'vehicle', id } });
      if (id === this.selectedId) selected = { x, y, name: vehicle.name };
      else if (labels.length < LABEL_CANDIDATES)
        labels.push({ x, y, width: this.textWidth(vehicle.name), height: 14, name: vehicle.name });
    };

    if (zoom < CLUSTER_BELOW_ZOOM && this.markers.size > 1) {
      this.clusters.ensure(now, () => this.indexedPoints());
      for (const item of this.clusters.items(west, south, east, north, zoom)) {
        if (item.kind === 'vehicle') {
          const state = this.markers.get(item.id);
          if (state) drawVehicle(item.id, state);
          continue;
        }
        const [x, y] = project(item.lat, item.lng);
        drawn += item.count;
        const r = 12 + Math.min(16, Math.log10(item.count) * 6);
        clusterBoxes.push({ x, y, r, count: item.count, counts: item.counts });
        hits.push({
          x,
          y,
          hit: {
            kind: 'cluster',
            lat: item.lat,
            lng: item.lng,
            zoom: Math.min(this.clusters.expansionZoom(item.clusterId), CLUSTER_BELOW_ZOOM + 1),
          },
        });
      }
      // The selected vehicle is always drawn itself, even inside a cluster.
      const chosen = this.selectedId ? this.markers.get(this.selectedId) : undefined;
      if (chosen && !selected) drawVehicle(this.selectedId!, chosen);
    } else {
      for (const [id, state] of this.markers) {
        const t = state.motion.target;
        if (t.lat < south || t.lat > north || t.lng < west || t.lng > east) continue;
        drawVehicle(id, state);
      }
    }
    this.drawnCount = drawn;
    this.clusterCount = clusterBoxes.length;
    this.glidingCount = gliding;
    this.lastHits = hits;

    ctx.globalAlpha = this.dimmed ? 0.35 : 1;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = this.theme.outline;
    for (const [key, path] of buckets) {
      const [status, opacity] = key.split('|') as [VehicleStatus, string];
      ctx.globalAlpha = Number(opacity) * (this.dimmed ? 0.35 : 1);
      ctx.fillStyle = STATUS_COLOURS[status];
      ctx.fill(path);
      if (!small) ctx.stroke(path);
    }
    ctx.globalAlpha = this.dimmed ? 0.35 : 1;
    for (const cluster of clusterBoxes) this.drawCluster(cluster);
    ctx.globalAlpha = 1;

    // Labels: the selected vehicle first, then as many others as fit without overlapping.
    const layout = new LabelLayout();
    for (const c of clusterBoxes)
      layout.reserve({ x: c.x - c.r, y: c.y - c.r, w: 2 * c.r, h: 2 * c.r });
    const candidates = selected
      ? [{ ...selected, width: this.textWidth(selected.name, true), height: 16 }, ...labels]
      : labels;
    const placed = this.dimmed ? [] : layout.place(candidates);
    for (const box of placed) {
      const strong = selected !== undefined && box.index === 0;
      this.drawLabel(candidates[box.index]!.name ?? selected!.name, box, strong);
    }
    this.labelBoxes = placed.map(({ x, y, w, h }) => ({ x, y, w, h }));
    if (selected) {
      ctx.beginPath();
      ctx.arc(selected.x, selected.y, 14, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.theme.ring;
      ctx.stroke();
    }
    return gliding > 0;
  }

  private *indexedPoints() {
    for (const [id, { vehicle, motion }] of this.markers) {
      const t = motion.target;
      yield { id, lat: t.lat, lng: t.lng, status: vehicle.status };
    }
  }

  /**
   * Latitude/longitude → container pixels without Leaflet's per-call allocations: Web
   * Mercator at the current zoom, shifted by one reference point Leaflet converts.
   */
  private projector(): (lat: number, lng: number) => [number, number] {
    const scale = 256 * 2 ** this.map.getZoom();
    const worldX = (lng: number) => ((lng + 180) / 360) * scale;
    const worldY = (lat: number) => {
      const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
      return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
    };
    const centre = this.map.getCenter();
    const ref = this.map.latLngToContainerPoint(centre);
    const dx = ref.x - worldX(centre.lng);
    const dy = ref.y - worldY(centre.lat);
    return (lat, lng) => [worldX(lng) + dx, worldY(lat) + dy];
  }

  private textWidth(name: string, strong = false): number {
    const key = strong ? `!${name}` : name;
    let width = this.widths.get(key);
    if (width === undefined) {
      this.context.font = `${strong ? '600 13px' : '11px'} system-ui, sans-serif`;
      width = Math.ceil(this.context.measureText(name).width) + 4;
      if (this.widths.size > 20_000) this.widths.clear();
      this.widths.set(key, width);
    }
    return width;
  }

  private drawLabel(name: string, box: Box, strong: boolean): void {
    const ctx = this.context;
    ctx.font = `${strong ? '600 13px' : '11px'} system-ui, sans-serif`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = this.theme.halo;
    ctx.fillStyle = this.theme.label;
    const baseline = box.y + box.h - 3;
    ctx.strokeText(name, box.x + 2, baseline);
    ctx.fillText(name, box.x + 2, baseline);
  }

  /** A disc with the count, ringed by one arc per status in proportion to its count. */
  private drawCluster(c: { x: number; y: number; r: number; count: number; counts: StatusCounts }) {
    const ctx = this.context;
    ctx.beginPath();
    ctx.arc(c.x, c.y, c.r, 0, Math.PI * 2);
    ctx.fillStyle = this.theme.clusterFill;
    ctx.fill();
    let angle = -Math.PI / 2;
    ctx.lineWidth = 5;
    for (const status of VEHICLE_STATUSES) {
      const share = c.counts[status] / c.count;
      if (share <= 0) continue;
      ctx.beginPath();
      ctx.arc(c.x, c.y, c.r - 2.5, angle, angle + share * Math.PI * 2);
      ctx.strokeStyle = STATUS_COLOURS[status];
      ctx.stroke();
      angle += share * Math.PI * 2;
    }
    ctx.fillStyle = this.theme.label;
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(c.count >= 10_000 ? `${Math.round(c.count / 1000)}k` : String(c.count), c.x, c.y);
    ctx.textAlign = 'start';
    ctx.textBaseline = 'alphabetic';
  }
}

/** A heading arrow (pointing along the heading) or, when not moving, a diamond. */
function addArrow(path: Path2D, x: number, y: number, headingDeg: number, moving: boolean): void {
  const a = (headingDeg * Math.PI) / 180;
  const sin = Math.sin(a);
  const cos = Math.cos(a);
  // Shape in local coordinates (y up = heading direction), rotated clockwise by the heading.
  const shape = moving ? ARROW : DIAMOND;
  for (let i = 0; i < shape.length; i++) {
    const [lx, ly] = shape[i]!;
    const px = x + lx * cos + ly * sin;
    const py = y + lx * sin - ly * cos;
    if (i === 0) path.moveTo(px, py);
    else path.lineTo(px, py);
  }
  path.closePath();
}

const ARROW: [number, number][] = [
  [0, 10],
  [7, -7],
  [0, -3],
  [-7, -7],
];
const DIAMOND: [number, number][] = [
  [0, 7],
  [7, 0],
  [0, -7],
  [-7, 0],
];
