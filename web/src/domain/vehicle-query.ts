import { FRESH_FOR_MS } from './status-style.js';
import type { Vehicle, VehicleStatus } from './vehicle.js';

export type VehicleSort = 'name' | 'speed' | 'lastSeen';

export interface VehicleQuery {
  search: string;
  statuses: ReadonlySet<VehicleStatus>;
  sort: VehicleSort;
  /** Wall time the ages are measured at (for "last seen"). */
  nowMs?: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Sorting 10,000 names with a collator every second costs more than a frame: names are ranked
 * once (when a vehicle first appears) and sorts compare ranks.
 */
class NameRanks {
  private ranks = new Map<string, number>();
  private known = 0;

  rankOf(vehicles: readonly Vehicle[]): Map<string, number> {
    if (vehicles.length !== this.known || vehicles.some((v) => !this.ranks.has(v.id))) {
      const sorted = [...vehicles].sort(
        (a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1),
      );
      this.ranks = new Map(sorted.map((v, i) => [v.id, i]));
      this.known = vehicles.length;
    }
    return this.ranks;
  }
}
const names = new NameRanks();

/**
 * "Last seen" orders by how long a vehicle has been silent, in coarse steps: everything heard
 * within FRESH_FOR_MS counts as "now" (and keeps its name order), so the list does not
 * reshuffle at every fix; the vehicles silent longest, the ones a dispatcher looks for, come
 * first.
 */
export function silenceBucket(lastSeen: string, nowMs: number): number {
  const age = nowMs - Date.parse(lastSeen);
  if (!(age > FRESH_FOR_MS)) return 0;
  if (age < 60 * 60_000) return Math.floor(age / 60_000) + 1;
  return 61 + Math.floor(age / 3_600_000);
}

/** The vehicles the list shows: matching the search (name or id) and a selected status. */
export function queryVehicles(vehicles: Iterable<Vehicle>, query: VehicleQuery): Vehicle[] {
  const needle = query.search.trim().toLowerCase();
  const all = [...vehicles];
  const rank = names.rankOf(all);
  // Matching vehicles placed at their name rank: name order in O(n), no comparisons.
  const byRank: (Vehicle | undefined)[] = new Array(rank.size);
  let matched = 0;
  for (const vehicle of all) {
    if (!query.statuses.has(vehicle.status)) continue;
    if (
      needle &&
      !vehicle.name.toLowerCase().includes(needle) &&
      !vehicle.id.toLowerCase().includes(needle)
    ) {
      continue;
    }
    byRank[rank.get(vehicle.id)!] = vehicle;
    matched++;
  }
  const inNameOrder: Vehicle[] = [];
  for (const v of byRank) if (v) inNameOrder.push(v);
  if (query.sort === 'name' || matched === 0) return inNameOrder;
  // Other orders: one numeric key per vehicle (primary key, then name rank), sorted as a
  // typed array: far cheaper than a comparator over 50,000 objects.
  const now = query.nowMs ?? Date.now();
  const keys = new Float64Array(inNameOrder.length);
  inNameOrder.forEach((v, i) => {
    // Whole km/h for speed: GPS jitter of a few cm/s must not reorder the list.
    const primary =
      query.sort === 'speed'
        ? 100_000 - Math.round(v.speed * 3.6)
        : 100_000 - silenceBucket(v.lastSeen, now);
    keys[i] = primary * 2 ** 24 + i;
  });
  keys.sort();
  return Array.from(keys, (key) => inNameOrder[key % 2 ** 24]!);
}
