import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import { Task } from '@lit/task';
import * as L from 'leaflet';
import leafletCss from 'leaflet/dist/leaflet.css?inline';
import type { FrameUpdate } from '../controllers/position-stream-controller.js';
import type { Pose } from '../domain/motion.js';
import { TrailOverlay } from '../map/trail-overlay.js';
import { ReplayOverlay } from '../map/replay-overlay.js';
import { StopsOverlay } from '../map/stops-overlay.js';
import { DARK_STREETS, LIGHT_STREETS, StreetsOverlay } from '../map/streets-overlay.js';
import { DARK_CANVAS, LIGHT_CANVAS, VehicleCanvasLayer } from '../map/vehicle-canvas-layer.js';
import {
  configContext,
  historyContext,
  liveContext,
  preferencesContext,
  replayContext,
  viewContext,
} from '../state/contexts.js';
import { Use } from '../state/store.js';
import { ContextConsumer } from '@lit/context';
import { VehicleSelectEvent } from './events.js';

/** Selecting below this zoom zooms in to SELECT_ZOOM. */
const ZOOM_IN_BELOW = 14;
const SELECT_ZOOM = 15;

const reducedMotion = () =>
  typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * The Leaflet map and its overlays, each a small class owning its layer: vehicles (one canvas,
 * clusters, labels), the selected vehicle's trail, the replay, its stops and, without tiles,
 * the offline streets. The map reads the stores and writes back only what the user did to it
 * (view moved, follow turned off by a drag); who it follows is decided here, in one place:
 * the replay while one is loaded, else the selected live vehicle.
 */
export class FleetMap extends LitElement {
  private readonly config = new ContextConsumer(this, { context: configContext });
  private readonly live = new Use(this, liveContext, (s) => s.state);
  private readonly view = new Use(
    this,
    viewContext,
    (s) => `${s.value.selectedId}|${s.value.follow}`,
  );
  private readonly replay = new Use(this, replayContext, (s) => s.active);
  private readonly prefs = new Use(this, preferencesContext);
  private readonly history = new ContextConsumer(this, { context: historyContext });

  private map: L.Map | undefined;
  private vehicles: VehicleCanvasLayer | undefined;
  private trail: TrailOverlay | undefined;
  private replayOverlay: ReplayOverlay | undefined;
  private stops: StopsOverlay | undefined;
  private streets: StreetsOverlay | undefined;
  private readonly motion = !reducedMotion();
  private fittedOnce = false;
  private latestFixMs = 0;
  private shownSelection: string | undefined;
  private replayShown = false;
  private unsubscribe: (() => void)[] = [];

  /** The selected vehicle's recent trail: reloaded when the selection changes. */
  private trailFor: string | undefined;
  private readonly trailTask = new Task(this, {
    task: async ([id], { signal }) => ({
      id,
      points: id ? await this.history.value!.trail(id, signal, this.trailEnd(id)) : [],
    }),
    args: () => [this.view.ready ? this.view.store.value.selectedId : undefined] as const,
  });

  /**
   * The trail ends at the vehicle's own newest fix, not at the wall clock: a vehicle silent for
   * hours still shows where it came from, and so does a fleet fast-forwarded by the simulator
   * (SPEEDUP > 1), whose fix times run behind the wall clock until they catch up.
   */
  private trailEnd(id: string): number {
    const time = this.live.ready ? this.live.store.vehicles.get(id)?.time : undefined;
    const ms = time ? Date.parse(time) : NaN;
    return Number.isFinite(ms) ? Math.min(ms, Date.now()) : Date.now();
  }

  static override styles = [
    unsafeCSS(leafletCss),
    css`
      :host {
        display: block;
        position: relative;
      }
      #map {
        position: absolute;
        inset: 0;
        background: var(--fm-map-bg);
      }
      .vehicle-canvas {
        position: absolute;
        inset: 0;
        z-index: 450;
        pointer-events: none;
      }
      .stop-label {
        font:
          12px system-ui,
          sans-serif;
      }
      .tools {
        position: absolute;
        z-index: 800;
        top: 10px;
        right: 10px;
        display: flex;
        gap: 6px;
      }
      .tools button {
        font: inherit;
        font-size: 14px;
        padding: 4px 10px;
        border-radius: 4px;
        border: 1px solid var(--fm-border-strong);
        background: var(--fm-surface);
        color: var(--fm-text);
        cursor: pointer;
        box-shadow: 0 1px 3px rgba(0, 0, 0, 0.25);
      }
      .tools button[aria-pressed='true'] {
        background: var(--fm-accent);
        border-color: var(--fm-accent);
        color: #fff;
      }
      .tools button:focus-visible {
        outline: 3px solid var(--fm-focus);
        outline-offset: 1px;
      }
      .banner {
        position: absolute;
        z-index: 800;
        left: 50%;
        bottom: 28px;
        transform: translateX(-50%);
        margin: 0;
        padding: 4px 10px;
        border-radius: 4px;
        background: var(--fm-surface);
        color: var(--fm-danger);
      }
      .leaflet-container {
        font: inherit;
      }
      .leaflet-bar a,
      .leaflet-control-attribution,
      .leaflet-control-scale-line {
        background: var(--fm-surface) !important;
        color: var(--fm-text) !important;
      }
      .leaflet-control-attribution a {
        color: var(--fm-link) !important;
        text-decoration: underline;
      }
    `,
  ];

  override render() {
    if (!this.view.ready) return html`<div id="map"></div>`;
    const t = this.prefs.store.format.t;
    const { selectedId, follow } = this.view.store.value;
    const hasTarget = selectedId !== undefined || this.replay.store.active;
    return html`<div id="map" role="region" aria-label=${t.map}></div>
      ${
        hasTarget
          ? html`<div class="tools">
              <button aria-pressed=${follow ? 'true' : 'false'} @click=${this.toggleFollow}>
                ${t.follow}
              </button>
              <button @click=${this.recentre}>${t.recentre}</button>
            </div>`
          : nothing
      }
      ${this.trailTask.render({
        error: (error) =>
          html`<p class="banner" role="alert">${t.trailUnavailable((error as Error).message)}</p>`,
      })}`;
  }

  override firstUpdated(): void {
    this.createMap();
  }

  override updated(): void {
    if (!this.map) this.createMap();
    this.syncSelection();
    this.syncReplay();
    const loaded = this.trailTask.value;
    if (loaded && this.trail && loaded.id === this.shownSelection && loaded.id !== this.trailFor) {
      this.trailFor = loaded.id;
      this.trail.set(loaded.points);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }

  private createMap(): void {
    const container = this.renderRoot.querySelector<HTMLDivElement>('#map');
    const config = this.config.value;
    if (!container || !config || !this.view.ready || this.map) return;
    const saved = this.view.store.value.map;
    const map = L.map(container, {
      center: saved ? [saved.lat, saved.lng] : config.center,
      zoom: saved?.zoom ?? config.zoom,
      maxZoom: config.maxZoom,
      preferCanvas: true,
      zoomControl: false,
      zoomAnimation: this.motion,
      fadeAnimation: this.motion,
      markerZoomAnimation: this.motion,
      inertia: this.motion,
    });
    // A link with a map view keeps it; otherwise the first fixes fit the fleet.
    if (saved) this.fittedOnce = true;
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {
        attribution: config.tileAttribution,
        maxZoom: config.maxZoom,
      }).addTo(map);
    } else {
      this.streets = new StreetsOverlay(
        map,
        container,
        this.prefs.store.format.t.streetsAttribution,
      );
    }
    this.map = map;
    this.applyPreferences();
    this.vehicles = new VehicleCanvasLayer(map, !this.motion);
    this.trail = new TrailOverlay(map);
    this.replayOverlay = new ReplayOverlay(map);
    this.stops = new StopsOverlay(map);
    this.applyTheme();

    map.on('click', (event: L.LeafletMouseEvent) => {
      const hit = this.vehicles?.hitTest(event.containerPoint);
      if (hit?.kind === 'vehicle') this.dispatchEvent(new VehicleSelectEvent(hit.id));
      else if (hit?.kind === 'cluster')
        map.setView([hit.lat, hit.lng], hit.zoom, { animate: this.motion });
    });
    // The user moving the map takes it over: follow turns off.
    map.on('dragstart', () => this.view.store.set({ follow: false }));
    map.on('moveend', () => {
      const c = map.getCenter();
      this.view.store.set({ map: { lat: c.lat, lng: c.lng, zoom: map.getZoom() } });
    });

    const live = this.live.store;
    this.unsubscribe.push(live.onFrame((update) => this.applyFrame(update)));
    // Frames that arrived before the map existed.
    if (live.vehicles.size > 0)
      this.applyFrame({ changed: [...live.vehicles.values()], snap: true });
    const replay = this.replay.store;
    this.unsubscribe.push(replay.subscribe(() => this.onReplayFrame()));
    this.unsubscribe.push(this.prefs.store.subscribe(() => this.applyPreferences()));
    // Theme changes by the system arrive through the host's attribute.
    const observer = new MutationObserver(() => this.applyTheme());
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    this.unsubscribe.push(() => observer.disconnect());
    // The host may have been laid out after Leaflet measured it.
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(this);
    this.unsubscribe.push(() => resize.disconnect());
    this.syncSelection();
  }

  private controls: L.Control[] = [];

  /** Zoom buttons in the page's language, a scale in the unit system of the speed unit. */
  private applyPreferences(): void {
    const map = this.map;
    if (!map) return;
    for (const control of this.controls) control.remove();
    const { t } = this.prefs.store.format;
    const imperial = this.prefs.store.value.unit === 'mph';
    this.controls = [
      L.control.zoom({ zoomInTitle: t.zoomIn, zoomOutTitle: t.zoomOut }),
      L.control.scale({ imperial, metric: !imperial }),
    ];
    for (const control of this.controls) control.addTo(map);
  }

  private applyTheme(): void {
    const dark = document.documentElement.dataset.theme === 'dark';
    this.vehicles?.setTheme(dark ? DARK_CANVAS : LIGHT_CANVAS);
    this.streets?.setTheme(dark ? DARK_STREETS : LIGHT_STREETS);
  }

  /** Once per animation frame with the vehicles that changed. */
  private applyFrame(update: FrameUpdate): void {
    const map = this.map;
    if (!this.vehicles || !map) return;
    this.vehicles.update(update.changed, update.snap);
    for (const v of update.changed)
      this.latestFixMs = Math.max(this.latestFixMs, Date.parse(v.time));
    if (!this.fittedOnce && update.changed.length > 0) {
      this.fittedOnce = true;
      const bounds = L.latLngBounds(update.changed.map((v) => [v.lat, v.lng] as L.LatLngTuple));
      map.fitBounds(bounds.pad(0.1), { animate: false, maxZoom: 15 });
    }
    if (this.shownSelection === undefined && this.view.store.value.selectedId) this.syncSelection();
    const id = this.view.store.value.selectedId;
    const selected = id ? update.changed.find((v) => v.id === id) : undefined;
    if (!selected) return;
    this.trail?.extend(selected.lat, selected.lng);
    // Live follow, unless a replay owns the map.
    if (this.view.store.value.follow && !this.replay.store.active) {
      if (!map.getBounds().pad(-0.2).contains([selected.lat, selected.lng])) {
        map.panTo([selected.lat, selected.lng], { animate: this.motion, duration: 0.5 });
      }
    }
  }

  /** A selection change: highlight it, restart its trail, bring it into view (if following). */
  private syncSelection(): void {
    if (!this.map || !this.vehicles || !this.view.ready) return;
    const { selectedId, follow } = this.view.store.value;
    if (selectedId === this.shownSelection) return;
    const pose = selectedId ? this.vehicles.poseOf(selectedId) : undefined;
    if (selectedId && !pose) {
      // Not seen yet (a link opened before the first fixes): retried on the next frame.
      this.vehicles.setSelected(selectedId);
      return;
    }
    this.shownSelection = selectedId;
    this.vehicles.setSelected(selectedId);
    this.trail?.clear();
    this.trailFor = undefined;
    if (pose && follow && !this.replay.store.active) this.centreOn(pose);
  }

  /** Brings a point into view, zooming in from a fleet-wide view. */
  private centreOn(pose: Pose): void {
    const map = this.map!;
    const zoom = map.getZoom() < ZOOM_IN_BELOW ? SELECT_ZOOM : map.getZoom();
    map.setView([pose.lat, pose.lng], zoom, { animate: this.motion });
  }

  private syncReplay(): void {
    const session = this.replay.store;
    if (!this.map || !this.replayOverlay) return;
    if (!session.active) {
      if (this.replayShown) {
        this.replayShown = false;
        this.replayOverlay.clear();
        this.stops?.clear();
        this.vehicles?.setDimmed(false);
        // Replay gives the map back: follow the live vehicle again.
        const id = this.view.store.value.selectedId;
        const pose = id ? this.vehicles?.poseOf(id) : undefined;
        if (pose && this.view.store.value.follow) this.centreOn(pose);
      }
      return;
    }
    this.onReplayFrame();
  }

  private onReplayFrame(): void {
    const session = this.replay.store;
    const map = this.map;
    if (!map || !this.replayOverlay || !session.active) {
      if (this.replayShown) this.requestUpdate();
      return;
    }
    const bounds = this.replayOverlay.show(session.tracks);
    if (bounds) {
      this.replayShown = true;
      this.vehicles?.setDimmed(true);
      const t = this.prefs.store.format;
      const single = session.tracks.length === 1 ? session.tracks[0] : undefined;
      if (single)
        this.stops?.show(single.figures.stops, (s) => t.t.stoppedFor(t.duration(s.durationMs)));
      else this.stops?.clear();
      map.fitBounds(bounds.pad(0.1), { animate: false });
    }
    const poses = session.poses();
    this.replayOverlay.frame(poses);
    if (session.playing && this.view.store.value.follow) {
      const target = this.replayTarget(poses);
      if (target) map.panTo([target.lat, target.lng], { animate: false });
    }
  }

  /** The replayed vehicle to follow: the selected one, else the only one. */
  private replayTarget(poses = this.replay.store.poses()): Pose | undefined {
    const id = this.view.store.value.selectedId;
    return (poses.find((p) => p.id === id) ?? (poses.length === 1 ? poses[0] : undefined))?.pose;
  }

  private toggleFollow = (): void => {
    const follow = !this.view.store.value.follow;
    this.view.store.set({ follow });
    if (follow) this.recentre();
  };

  private recentre = (): void => {
    this.view.store.set({ follow: true });
    const session = this.replay.store;
    const id = this.view.store.value.selectedId;
    const pose = session.active ? this.replayTarget() : id ? this.vehicles?.poseOf(id) : undefined;
    if (pose) this.centreOn(pose);
  };

  /** Exposed for the e2e tests and the benchmark. */
  get stats() {
    return {
      vehicles: this.vehicles?.size ?? 0,
      drawn: this.vehicles?.drawnCount ?? 0,
      clusters: this.vehicles?.clusterCount ?? 0,
      gliding: this.vehicles?.glidingCount ?? 0,
      labels: this.vehicles?.labelBoxes ?? [],
      trailPoints: this.trail?.size ?? 0,
      replayMarkers: this.replayOverlay?.markerCount ?? 0,
      streetWays: this.streets?.loadedWays ?? 0,
      streetsLoadMs: this.streets?.loadMs,
      latestFixMs: this.latestFixMs,
    };
  }
}

customElements.define('fleet-map', FleetMap);

declare global {
  interface HTMLElementTagNameMap {
    'fleet-map': FleetMap;
  }
}
