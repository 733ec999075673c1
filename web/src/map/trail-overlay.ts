import * as L from 'leaflet';
import type { HistoryPoint } from '../domain/vehicle.js';

/** The selected vehicle's recent path, growing with each live fix. */
export class TrailOverlay {
  private readonly line = L.polyline([], {
    color: '#8250df',
    weight: 4,
    opacity: 0.85,
    interactive: false,
  });

  constructor(map: L.Map) {
    this.line.addTo(map);
  }

  set(points: readonly HistoryPoint[]): void {
    this.line.setLatLngs(points.map((p) => [p.lat, p.lng] as L.LatLngTuple));
  }

  extend(lat: number, lng: number): void {
    this.line.addLatLng([lat, lng]);
  }

  clear(): void {
    this.line.setLatLngs([]);
  }

  get size(): number {
    return this.line.getLatLngs().length;
  }
}
