import type { FleetApi, HistoryRange } from '../api/fleet-api.js';
import type { HistoryPoint } from '../domain/vehicle.js';

/** The live trail covers this much of the recent past. */
export const TRAIL_MINUTES = 30;
/** Fixes per vehicle and request (the API's own cap is 10,000). */
export const HISTORY_LIMIT = 10_000;
/** A fleet replay asks this many vehicles' histories at once. */
const FLEET_CONCURRENCY = 6;

/** The one place history is fetched: the live trail, a replay range, a fleet replay, GPX. */
export class HistoryService {
  constructor(readonly api: FleetApi) {}

  trail(id: string, signal?: AbortSignal, nowMs = Date.now()): Promise<HistoryPoint[]> {
    const to = new Date(nowMs + 60_000);
    const from = new Date(to.getTime() - TRAIL_MINUTES * 60_000);
    return this.api.history(id, { from, to, limit: 5000 }, signal);
  }

  range(id: string, range: HistoryRange, signal?: AbortSignal): Promise<HistoryPoint[]> {
    return this.api.history(id, { limit: HISTORY_LIMIT, ...range }, signal);
  }

  /** Histories of several vehicles over one range, a few requests at a time. */
  async fleet(
    ids: readonly string[],
    range: HistoryRange,
    signal?: AbortSignal,
  ): Promise<Map<string, HistoryPoint[]>> {
    const result = new Map<string, HistoryPoint[]>();
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        result.set(id, await this.range(id, range, signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLEET_CONCURRENCY, ids.length) }, worker));
    // Keep the order the caller gave (the list's order).
    return new Map(ids.flatMap((id) => (result.has(id) ? [[id, result.get(id)!]] : [])));
  }

  gpx(id: string, range: HistoryRange, signal?: AbortSignal): Promise<Blob> {
    return this.api.historyGpx(id, { limit: HISTORY_LIMIT, ...range }, signal);
  }
}
