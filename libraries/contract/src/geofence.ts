/**
 * Geofences (`/geofences…`, answered by the tracker): named zones, evaluated on every fix, with
 * an optional speed limit that overspeed alerts use inside them. Geometry is GeoJSON, positions
 * `[longitude, latitude]`; GeoJSON has no circle, so a circle is a `Point` with a `radius` in
 * metres (the common extension). The JSON Schemas of the same shapes are in openapi.yaml.
 */
export interface GeofencePolygon {
  type: 'Polygon';
  /** The outer ring first, then holes; each ring closed (first position = last). */
  coordinates: [number, number][][];
}

export interface GeofenceCircle {
  type: 'Point';
  coordinates: [number, number];
  /** Metres. */
  radius: number;
}

export type GeofenceGeometry = GeofencePolygon | GeofenceCircle;

/** `POST /geofences`, `PUT /geofences/{id}`. */
export interface GeofenceInput {
  name: string;
  geometry: GeofenceGeometry;
  /** m/s: the overspeed limit inside this zone (instead of the vehicle's). */
  speedLimit?: number;
}

export interface Geofence extends GeofenceInput {
  id: string;
  createdAt: string;
  updatedAt: string;
}
