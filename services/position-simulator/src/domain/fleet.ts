import type { Route } from './route.js';

export interface VehicleIdentity {
  /** `vehicle-0042`: zero-padded so ids sort in fleet order. */
  id: string;
  /** `City Truck 42` */
  name: string;
}

export interface VehiclePlan extends VehicleIdentity {
  route: Route;
  start: { s: number; direction: 1 | -1 };
}

export function vehicleIdentity(index: number, fleetSize: number): VehicleIdentity {
  const number = index + 1;
  const width = Math.max(4, String(fleetSize).length);
  return { id: `vehicle-${String(number).padStart(width, '0')}`, name: `City Truck ${number}` };
}

/** 1/φ: successive multiples spread start points evenly along a route without repeating. */
const GOLDEN_FRACTION = 0.618_033_988_75;

/**
 * Assigns routes to a fleet of any size. The first pass drives every track from its start; when
 * there are more vehicles than tracks, each further pass reuses the tracks from a different
 * point and in alternating direction, so vehicles sharing a track never drive in a convoy.
 */
export function planFleet(routes: readonly Route[], size: number): VehiclePlan[] {
  if (routes.length === 0) throw new Error('A fleet needs at least one route');
  return Array.from({ length: size }, (_, index) => {
    const route = routes[index % routes.length]!;
    const pass = Math.floor(index / routes.length);
    const fraction = (pass * GOLDEN_FRACTION) % 1;
    const direction: 1 | -1 = pass % 2 === 0 ? 1 : -1;
    return {
      ...vehicleIdentity(index, size),
      route,
      start: { s: fraction * route.length, direction },
    };
  });
}
