import type { VehicleState } from '../domain/vehicle-state.js';
import type { HistoryQuery, PositionRecord, PositionStore } from './position-store.js';

/**
 * The embedded default: history per vehicle in time order, bounded per vehicle so a long local run
 * cannot exhaust memory (oldest fixes go first, like retention would).
 */
export class MemoryStore implements PositionStore {
  readonly kind = 'memory';
  #history = new Map<string, PositionRecord[]>();
  #vehicles = new Map<string, VehicleState>();

  constructor(private readonly maxPerVehicle = 20_000) {}

  async init(): Promise<void> {}

  async insertPositions(records: PositionRecord[]): Promise<boolean[]> {
    return records.map((record) => {
      const list = this.#history.get(record.vehicle) ?? [];
      this.#history.set(record.vehicle, list);
      const at = indexOf(list, record.time.getTime());
      if (list[at]?.time.getTime() === record.time.getTime()) return false;
      list.splice(at, 0, { ...record });
      if (list.length > this.maxPerVehicle) list.splice(0, list.length - this.maxPerVehicle);
      return true;
    });
  }

  async saveVehicles(states: VehicleState[]): Promise<void> {
    for (const state of states) this.#vehicles.set(state.id, { ...state });
  }

  async loadVehicles(): Promise<VehicleState[]> {
    return [...this.#vehicles.values()].map((state) => ({ ...state }));
  }

  async history(vehicle: string, { from, to, limit }: HistoryQuery): Promise<PositionRecord[]> {
    const list = this.#history.get(vehicle) ?? [];
    const start = from ? indexOf(list, from.getTime()) : 0;
    const end = to ? indexOf(list, to.getTime() + 1) : list.length;
    const range = list.slice(start, end);
    return (from ? range.slice(0, limit) : range.slice(-limit)).map((record) => ({ ...record }));
  }

  async sweep(olderThan: Date): Promise<number> {
    let removed = 0;
    for (const list of this.#history.values()) {
      const cut = indexOf(list, olderThan.getTime());
      list.splice(0, cut);
      removed += cut;
    }
    return removed;
  }

  isHealthy(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

/** First index whose time is ≥ t (binary search; lists are kept sorted by fix time). */
function indexOf(list: PositionRecord[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as PositionRecord).time.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
