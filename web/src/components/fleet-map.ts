import { LitElement, css, html, unsafeCSS } from 'lit';
import * as L from 'leaflet';
import leafletCss from 'leaflet/dist/leaflet.css?inline';
import type { FrameUpdate } from '../controllers/position-stream-controller.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { formatDuration } from '../domain/units.js';
import type { HistoryPoint } from '../domain/vehicle.js';
import { VehicleCanvasLayer } from '../map/vehicle-canvas-layer.js';
import { VehicleSelectEvent } from './events.js';
import type { ReplayView } from './replay-events.js';

/**
 * The Leaflet map. Vehicles are drawn by VehicleCanvasLayer; the selected vehicle's trail,
 * the replay path, its stops and the replay marker are ordinary Leaflet vectors.
 */
export class FleetMap extends LitElement {
  static override properties = {
    config: { attribute: false },
    selectedId: { attribute: false },
  };

  declare config: RuntimeConfig | undefined;
  declare selectedId: string | undefined;

  private map: L.Map | undefined;
  private vehicles: VehicleCanvasLayer | undefined;
  private readonly trail = L.polyline([], { color: '#8250df', weight: 4, opacity: 0.85 });
  private readonly replayPath = L.polyline([], { color: '#0969da', weight: 3, dashArray: '6 6' });
  private readonly replayMarker = L.circleMarker([0, 0], {
    radius: 9,
    color: '#fff',
    weight: 3,
    fillColor: '#0969da',
    fillOpacity: 1,
  });
  private readonly stops = L.layerGroup();
  private fittedOnce = false;
  private latestFixMs = 0;
  private replayPoints: readonly HistoryPoint[] | undefined;

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
        background: #eef2f5;
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
    `,
  ];

  override render() {
    return html`<div id="map" role="application" aria-label="Map of vehicles"></div>`;
  }

  override firstUpdated(): void {
    const config = this.config;
    const container = this.renderRoot.querySelector<HTMLDivElement>('#map')!;
    const map = L.map(container, {
      center: config?.center ?? [57.7089, 11.9746],
      zoom: config?.zoom ?? 12,
      maxZoom: config?.maxZoom ?? 19,
      preferCanvas: true,
      zoomControl: true,
    });
    if (config?.tileUrl) {
      L.tileLayer(config.tileUrl, {
        attribution: config.tileAttribution,
        maxZoom: config.maxZoom,
      }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    this.vehicles = new VehicleCanvasLayer(map);
    this.vehicles.setGraticule(!config?.tileUrl);
    map.on('click', (event: L.LeafletMouseEvent) => {
      const id = this.vehicles?.hitTest(event.containerPoint);
      if (id) this.dispatchEvent(new VehicleSelectEvent(id));
    });
    this.trail.addTo(map);
    this.map = map;
    // The host may have been laid out after Leaflet measured it.
    new ResizeObserver(() => map.invalidateSize()).observe(this);
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('selectedId')) {
      this.vehicles?.setSelected(this.selectedId);
      const pose = this.selectedId ? this.vehicles?.poseOf(this.selectedId) : undefined;
      if (pose) this.map?.panTo([pose.lat, pose.lng]);
    }
  }

  /** Called once per animation frame by the app with the vehicles that changed. */
  applyFrame(update: FrameUpdate): void {
    if (!this.vehicles || !this.map) return;
    this.vehicles.update(update.changed, update.snap);
    for (const v of update.changed)
      this.latestFixMs = Math.max(this.latestFixMs, Date.parse(v.time));
    if (!this.fittedOnce && update.changed.length > 0) {
      this.fittedOnce = true;
      const bounds = L.latLngBounds(update.changed.map((v) => [v.lat, v.lng] as L.LatLngTuple));
      this.map.fitBounds(bounds.pad(0.1), { animate: false, maxZoom: 15 });
    }
    const selected = this.selectedId
      ? update.changed.find((v) => v.id === this.selectedId)
      : undefined;
    if (selected) {
      // The trail grows live and the map follows the selected vehicle.
      this.trail.addLatLng([selected.lat, selected.lng]);
      if (!this.map.getBounds().pad(-0.2).contains([selected.lat, selected.lng])) {
        this.map.panTo([selected.lat, selected.lng], { animate: true, duration: 0.5 });
      }
    }
  }

  setTrail(points: readonly HistoryPoint[]): void {
    this.trail.setLatLngs(points.map((p) => [p.lat, p.lng] as L.LatLngTuple));
  }

  showReplay(view: ReplayView | undefined): void {
    const map = this.map;
    if (!map) return;
    if (!view) {
      this.replayPath.remove();
      this.replayMarker.remove();
      this.stops.clearLayers().remove();
      this.replayPoints = undefined;
      return;
    }
    if (view.points !== this.replayPoints) {
      this.replayPoints = view.points;
      this.replayPath
        .setLatLngs(view.points.map((p) => [p.lat, p.lng] as L.LatLngTuple))
        .addTo(map);
      this.stops.clearLayers();
      for (const stop of view.stops) {
        L.circleMarker([stop.lat, stop.lng], {
          radius: 7,
          color: '#cf222e',
          weight: 2,
          fillColor: '#fff',
          fillOpacity: 1,
        })
          .bindTooltip(`Stopped ${formatDuration(stop.durationMs)}`, {
            permanent: true,
            direction: 'top',
            className: 'stop-label',
          })
          .addTo(this.stops);
      }
      this.stops.addTo(map);
      if (view.points.length > 1)
        map.fitBounds(this.replayPath.getBounds().pad(0.1), { animate: false });
    }
    if (view.pose) {
      this.replayMarker.setLatLng([view.pose.lat, view.pose.lng]).addTo(map);
      if (view.follow) map.panTo([view.pose.lat, view.pose.lng], { animate: false });
    }
  }

  /** Exposed for the e2e tests and the benchmark. */
  get stats() {
    return {
      vehicles: this.vehicles?.size ?? 0,
      drawn: this.vehicles?.drawnCount ?? 0,
      trailPoints: this.trail.getLatLngs().length,
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
