import * as L from 'leaflet';
import type { ReplayPose, ReplayTrack } from '../state/replay-session.js';

const PATH_COLOURS = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e'];

/**
 * The replayed routes (dashed) and where each replayed vehicle is at the replay clock. One
 * vehicle gets a large marker; a fleet replay gets small labelled dots on a canvas renderer.
 */
export class ReplayOverlay {
  private readonly paths = L.layerGroup();
  private readonly markers = L.layerGroup();
  private readonly renderer = L.canvas({ padding: 0.2 });
  private byId = new Map<string, L.CircleMarker>();
  private shown: readonly ReplayTrack[] = [];

  constructor(private readonly map: L.Map) {}

  /** Draws the routes of a newly loaded replay; returns their bounds. */
  show(tracks: readonly ReplayTrack[]): L.LatLngBounds | undefined {
    if (tracks === this.shown) return undefined;
    this.clear();
    this.shown = tracks;
    const single = tracks.length === 1;
    const bounds = L.latLngBounds([]);
    tracks.forEach((track, i) => {
      const latLngs = track.points.map((p) => [p.lat, p.lng] as L.LatLngTuple);
      for (const ll of latLngs) bounds.extend(ll);
      L.polyline(latLngs, {
        color: PATH_COLOURS[i % PATH_COLOURS.length],
        weight: single ? 3 : 2,
        opacity: single ? 1 : 0.6,
        dashArray: single ? '6 6' : undefined,
        interactive: false,
        renderer: this.renderer,
      }).addTo(this.paths);
    });
    this.paths.addTo(this.map);
    this.markers.addTo(this.map);
    return bounds.isValid() ? bounds : undefined;
  }

  /** Moves the markers to the clock's poses (called every frame while playing). */
  frame(poses: readonly ReplayPose[]): void {
    const single = this.shown.length === 1;
    const seen = new Set<string>();
    for (const { id, name, pose } of poses) {
      seen.add(id);
      let marker = this.byId.get(id);
      if (!marker) {
        marker = L.circleMarker([pose.lat, pose.lng], {
          radius: single ? 9 : 6,
          color: '#fff',
          weight: single ? 3 : 2,
          fillColor: '#0969da',
          fillOpacity: 1,
          renderer: this.renderer,
          interactive: false,
        });
        if (!single) marker.bindTooltip(name, { permanent: false, direction: 'right' });
        marker.addTo(this.markers);
        this.byId.set(id, marker);
      } else {
        marker.setLatLng([pose.lat, pose.lng]);
      }
    }
    for (const [id, marker] of this.byId) {
      if (!seen.has(id)) {
        marker.remove();
        this.byId.delete(id);
      }
    }
  }

  clear(): void {
    this.paths.clearLayers().remove();
    this.markers.clearLayers().remove();
    this.byId.clear();
    this.shown = [];
  }

  get markerCount(): number {
    return this.byId.size;
  }
}
