/**
 * Alerts (issue 12: offline, overspeed, idling, stops, geofences), as stored, served by
 * `GET /alerts` and pushed on the live stream as `alert` events. The tracker computes them.
 */
export const ALERT_TYPES = [
  'offline',
  'online',
  'overspeed',
  'idle',
  'stop_started',
  'stop_ended',
  'geofence_enter',
  'geofence_exit',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface Alert {
  /** Derived from vehicle, type, cause time (and geofence): computing it again gives the same id. */
  id: string;
  type: AlertType;
  vehicle: string;
  name: string;
  /** Its cause time (a fix time; for offline the last contact, for online the new contact). */
  time: string;
  /** When the tracker raised it (wall clock). */
  raisedAt: string;
  lat: number;
  lng: number;
  /** m/s: the vehicle's speed (overspeed: the highest of the episode so far). */
  speed?: number;
  /** m/s: the overspeed limit that applied. */
  limit?: number;
  /** How long it had lasted when raised (overspeed, idle), or lasted (stop_ended), in ms. */
  durationMs?: number;
  geofence?: { id: string; name: string };
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}
