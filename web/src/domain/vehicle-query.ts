import type { Vehicle, VehicleStatus } from './vehicle.js';

export type VehicleSort = 'name' | 'speed' | 'lastSeen';

export interface VehicleQuery {
  search: string;
  statuses: ReadonlySet<VehicleStatus>;
  sort: VehicleSort;
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const comparators: Record<VehicleSort, (a: Vehicle, b: Vehicle) => number> = {
  name: (a, b) => byName.compare(a.name, b.name),
  speed: (a, b) => b.speed - a.speed || byName.compare(a.name, b.name),
  lastSeen: (a, b) =>
    Date.parse(b.lastSeen) - Date.parse(a.lastSeen) || byName.compare(a.name, b.name),
};

/** The vehicles the list shows: matching the search (name or id) and a selected status. */
export function queryVehicles(vehicles: Iterable<Vehicle>, query: VehicleQuery): Vehicle[] {
  const needle = query.search.trim().toLowerCase();
  const result: Vehicle[] = [];
  for (const vehicle of vehicles) {
    if (!query.statuses.has(vehicle.status)) continue;
    if (
      needle &&
      !vehicle.name.toLowerCase().includes(needle) &&
      !vehicle.id.toLowerCase().includes(needle)
    ) {
      continue;
    }
    result.push(vehicle);
  }
  return result.sort(comparators[query.sort]);
}
