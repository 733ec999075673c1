import type { PositionRecord } from '../data/position-store.js';

/** History as GeoJSON: one LineString feature (the trail) with per-point times in properties. */
export function toGeoJson(vehicle: string, name: string, records: PositionRecord[]): object {
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {
          vehicle,
          name,
          times: records.map((r) => r.time.toISOString()),
          speeds: records.map((r) => r.speed ?? null),
        },
        geometry: { type: 'LineString', coordinates: records.map((r) => [r.lng, r.lat]) },
      },
    ],
  };
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );

/** GPX 1.1, the format the simulator replays, so a recorded trip can be fed back in. */
export function toGpx(vehicle: string, name: string, records: PositionRecord[]): string {
  const points = records
    .map(
      (r) =>
        `      <trkpt lat="${r.lat}" lon="${r.lng}"><time>${r.time.toISOString()}</time></trkpt>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Fleetman position-tracker" xmlns="http://www.topografix.com/GPX/1/1">
  <trk>
    <name>${escapeXml(name)}</name>
    <desc>${escapeXml(vehicle)}</desc>
    <trkseg>
${points}
    </trkseg>
  </trk>
</gpx>
`;
}
