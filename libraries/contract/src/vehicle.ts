/**
 * The vehicle as the API and the live stream show it. The JSON Schemas of the same shapes are in
 * openapi.yaml (components.schemas); a test keeps the enums here and there equal.
 */

/**
 * `moving` at ≥ 1 m/s (smoothed); `idle` below; `parked` after 5 min below; `offline` when
 * nothing was received for the tracker's OFFLINE_AFTER (default 2 min), set by its timer.
 */
export const VEHICLE_STATUSES = ['moving', 'idle', 'parked', 'offline'] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

/** `GET /vehicles`, `GET /vehicles/{id}`, and the data of a `position` stream event. */
export interface VehicleView {
  id: string;
  name: string;
  lat: number;
  lng: number;
  /** ISO-8601 fix time of the newest fix. */
  time: string;
  /** m/s, smoothed. */
  speed: number;
  /** Degrees clockwise from north, [0, 360). */
  heading: number;
  status: VehicleStatus;
  /** When the current status began (for offline: the last contact). */
  statusSince: string;
  /** When the tracker last heard from the vehicle. */
  lastSeen: string;
}

/**
 * What the tracker noticed about a stored fix. `jump`: it implied an impossible move from the
 * live position (e.g. 2 km in 1 s), so it moved neither the live position nor the heading.
 */
export const POSITION_FLAGS = ['jump'] as const;
export type PositionFlag = (typeof POSITION_FLAGS)[number];

/** One stored fix, `GET /vehicles/{id}/history` (format json), oldest first. */
export interface HistoryPoint {
  lat: number;
  lng: number;
  time: string;
  /** m/s as computed at ingest (absent for late fixes). */
  speed?: number;
  heading?: number;
  /** Metres, as the device reported it. */
  accuracy?: number;
  /** Present only when there is something to say (`['jump']`). */
  flags?: PositionFlag[];
}

export const HISTORY_FORMATS = ['json', 'geojson', 'gpx'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** The `{ error, message }` body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  /** A stable code (`bad_query`, `vehicle_not_found`, `rate_limited`, `tracker_unavailable`…). */
  error: string;
  message: string;
}
