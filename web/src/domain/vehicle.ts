/** The vehicle state the API and the live stream share (see shared/design.md, API). */
export type VehicleStatus = 'moving' | 'idle' | 'parked' | 'offline';

export const VEHICLE_STATUSES: readonly VehicleStatus[] = ['moving', 'idle', 'parked', 'offline'];

export interface Vehicle {
  id: string;
  name: string;
  lat: number;
  lng: number;
  /** ISO-8601 fix time. */
  time: string;
  /** metres per second */
  speed: number;
  /** degrees clockwise from north */
  heading: number;
  status: VehicleStatus;
  lastSeen: string;
  statusSince?: string;
}

/** One stored fix of a vehicle's history, oldest first. */
export interface HistoryPoint {
  lat: number;
  lng: number;
  time: string;
  speed: number;
  heading: number;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Checks a decoded stream/API payload. A malformed event is dropped (the caller logs it)
 * rather than poisoning the map with NaN coordinates.
 */
export function parseVehicle(value: unknown): Vehicle | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !isFiniteNumber(v.lat) || !isFiniteNumber(v.lng))
    return undefined;
  if (Math.abs(v.lat) > 90 || Math.abs(v.lng) > 180) return undefined;
  const status = VEHICLE_STATUSES.includes(v.status as VehicleStatus)
    ? (v.status as VehicleStatus)
    : 'moving';
  const time = typeof v.time === 'string' ? v.time : new Date().toISOString();
  return {
    id: v.id,
    name: typeof v.name === 'string' && v.name !== '' ? v.name : v.id,
    lat: v.lat,
    lng: v.lng,
    time,
    speed: isFiniteNumber(v.speed) ? v.speed : 0,
    heading: isFiniteNumber(v.heading) ? v.heading : 0,
    status,
    lastSeen: typeof v.lastSeen === 'string' ? v.lastSeen : time,
    ...(typeof v.statusSince === 'string' ? { statusSince: v.statusSince } : {}),
  };
}
