import {
  VEHICLE_STATUSES,
  type HistoryPoint as StoredFix,
  type VehicleStatus,
  type VehicleView,
} from '@fleetman/contract';

// The shapes are the contract's (@fleetman/contract, the same as openapi.yaml); this module only
// says how the map holds them after checking what arrived.
export { VEHICLE_STATUSES, type VehicleStatus };

/** A vehicle as the map holds it: the API's view, `statusSince` kept only when it came. */
export type Vehicle = Omit<VehicleView, 'statusSince'> & { statusSince?: string };

/** One stored fix of a vehicle's history, oldest first, with speed and heading filled in. */
export type HistoryPoint = Omit<StoredFix, 'speed' | 'heading' | 'accuracy'> & {
  speed: number;
  heading: number;
};

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
  const status = (VEHICLE_STATUSES as readonly string[]).includes(v.status as string)
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
