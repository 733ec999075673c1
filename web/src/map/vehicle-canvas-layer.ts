import * as L from 'leaflet';
import { MarkerMotion, MAX_GLIDE_MS, type Pose } from '../domain/motion.js';
import { STATUS_COLOURS, opacityForAge } from '../domain/status-style.js';
import type { Vehicle } from '../domain/vehicle.js';

interface MarkerState {
  vehicle: Vehicle;
  motion: MarkerMotion;
}

/** Above this many vehicles in view, names are not drawn (they would only be noise). */
const LABELS_UP_TO = 60;
const HIT_RADIUS_PX = 12;

/**
 * Draws every vehicle on one canvas above the map: thousands of DOM markers cost layout and
 * style work on every move, a canvas costs one batched fill per colour. Markers are kept by
 * vehicle id and updated in place; each glides from where it is drawn to its newest fix.
 */
export class VehicleCanvasLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly markers = new Map<string, MarkerState>();
  private frameRequested = false;
  private selectedId: string | undefined;
  private graticule = false;
  /** Vehicles drawn in the last frame (inside the view); tests and the bench read it. */
  drawnCount = 0;

  constructor(private readonly map: L.Map) {
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

  poseOf(id: string): Pose | undefined {
    return this.markers.get(id)?.motion.poseAt(performance.now());
  }

  setSelected(id: string | undefined): void {
    this.selectedId = id;
    this.requestDraw();
  }

  setGraticule(on: boolean): void {
    this.graticule = on;
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
      if (snap || !(fixGapMs > 0) || fixGapMs > MAX_GLIDE_MS) existing.motion.snapTo(target);
      else existing.motion.moveTo(target, now, fixGapMs);
    }
    this.requestDraw();
  }

  /** The vehicle drawn nearest to a point of the map container, if close enough to click. */
  hitTest(point: L.Point): string | undefined {
    const now = performance.now();
    let best: string | undefined;
    let bestDistance = HIT_RADIUS_PX;
    for (const [id, { motion }] of this.markers) {
      const pose = motion.poseAt(now);
      const screen = this.map.latLngToContainerPoint([pose.lat, pose.lng]);
      const distance = screen.distanceTo(point);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = id;
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
    if (this.graticule) this.drawGraticule(width, height);

    const now = performance.now();
    const wallNow = Date.now();
    const buckets = new Map<string, Path2D>();
    const labels: { x: number; y: number; name: string }[] = [];
    let selected: { x: number; y: number; name: string } | undefined;
    let gliding = false;
    let drawn = 0;
    // Past a thousand vehicles, plain squares without outline: a quarter of the raster work.
    const small = this.markers.size > 1000 && this.map.getZoom() < 14;

    for (const [id, { vehicle, motion }] of this.markers) {
      if (motion.isGliding(now)) gliding = true;
      const pose = motion.poseAt(now);
      const p = this.map.latLngToContainerPoint([pose.lat, pose.lng]);
      if (p.x < -20 || p.y < -20 || p.x > width + 20 || p.y > height + 20) continue;
      drawn++;
      const opacity = Math.round(opacityForAge(wallNow - Date.parse(vehicle.lastSeen)) * 10) / 10;
      const key = `${vehicle.status}|${opacity}`;
      let path = buckets.get(key);
      if (!path) buckets.set(key, (path = new Path2D()));
      if (small) {
        path.rect(p.x - 2.5, p.y - 2.5, 5, 5);
      } else {
        addArrow(path, p.x, p.y, pose.heading, vehicle.status === 'moving');
      }
      if (id === this.selectedId) selected = { x: p.x, y: p.y, name: vehicle.name };
      else labels.push({ x: p.x, y: p.y, name: vehicle.name });
    }
    this.drawnCount = drawn;

    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    for (const [key, path] of buckets) {
      const [status, opacity] = key.split('|') as [Vehicle['status'], string];
      ctx.globalAlpha = Number(opacity);
      ctx.fillStyle = STATUS_COLOURS[status];
      ctx.fill(path);
      if (!small) ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
    if (drawn <= LABELS_UP_TO) for (const label of labels) this.drawLabel(label, false);
    if (selected) {
      ctx.beginPath();
      ctx.arc(selected.x, selected.y, 14, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#111827';
      ctx.stroke();
      this.drawLabel(selected, true);
    }
    return gliding;
  }

  private drawLabel({ x, y, name }: { x: number; y: number; name: string }, strong: boolean): void {
    const ctx = this.context;
    ctx.font = `${strong ? '600 13px' : '11px'} system-ui, sans-serif`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.fillStyle = '#111827';
    ctx.strokeText(name, x + 12, y + 4);
    ctx.fillText(name, x + 12, y + 4);
  }

  /** Without tiles, lines every few degrees keep a sense of place and scale. */
  private drawGraticule(width: number, height: number): void {
    const ctx = this.context;
    const bounds = this.map.getBounds();
    const span = bounds.getEast() - bounds.getWest();
    const step = niceStep(span / 6);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(100, 116, 139, 0.35)';
    ctx.fillStyle = 'rgba(51, 65, 85, 0.8)';
    ctx.font = '10px system-ui, sans-serif';
    ctx.beginPath();
    for (
      let lng = Math.ceil(bounds.getWest() / step) * step;
      lng <= bounds.getEast();
      lng += step
    ) {
      const x = this.map.latLngToContainerPoint([bounds.getCenter().lat, lng]).x;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
      ctx.fillText(`${lng.toFixed(decimals(step))}°`, x + 3, height - 4);
    }
    for (
      let lat = Math.ceil(bounds.getSouth() / step) * step;
      lat <= bounds.getNorth();
      lat += step
    ) {
      const y = this.map.latLngToContainerPoint([lat, bounds.getCenter().lng]).y;
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
      ctx.fillText(`${lat.toFixed(decimals(step))}°`, 4, y - 3);
    }
    ctx.stroke();
  }
}

/** A heading arrow (pointing along the heading) or, when not moving, a diamond. */
function addArrow(path: Path2D, x: number, y: number, headingDeg: number, moving: boolean): void {
  const a = (headingDeg * Math.PI) / 180;
  const sin = Math.sin(a);
  const cos = Math.cos(a);
  // Shape in local coordinates (y up = heading direction), rotated clockwise by the heading.
  const shape = moving
    ? [
        [0, 10],
        [7, -7],
        [0, -3],
        [-7, -7],
      ]
    : [
        [0, 7],
        [7, 0],
        [0, -7],
        [-7, 0],
      ];
  shape.forEach(([lx, ly], index) => {
    const px = x + lx! * cos + ly! * sin;
    const py = y + lx! * sin - ly! * cos;
    if (index === 0) path.moveTo(px, py);
    else path.lineTo(px, py);
  });
  path.closePath();
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 2 ? 1 : unit < 5 ? 2 : 5) * power;
}

function decimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step)));
}
