import * as L from 'leaflet';
import type { Stop } from '../domain/trip.js';

/** Stops of a replayed trip, each with a permanent "Stopped 12 min" label. */
export class StopsOverlay {
  private readonly group = L.layerGroup();

  constructor(private readonly map: L.Map) {}

  show(stops: readonly Stop[], label: (stop: Stop) => string): void {
    this.group.clearLayers();
    for (const stop of stops) {
      L.circleMarker([stop.lat, stop.lng], {
        radius: 7,
        color: '#cf222e',
        weight: 2,
        fillColor: '#fff',
        fillOpacity: 1,
      })
        .bindTooltip(label(stop), { permanent: true, direction: 'top', className: 'stop-label' })
        .addTo(this.group);
    }
    this.group.addTo(this.map);
  }

  clear(): void {
    this.group.clearLayers().remove();
  }
}
