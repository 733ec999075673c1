import type { PositionFix, PositionFlag } from '@fleetman/contract';
import type { VehicleState } from '../domain/vehicle-state.js';

/**
 * One stored fix: the message's fields, with `speed`/`heading` the tracker's values at ingest
 * (absent for late fixes and jumps), when it arrived, and what the tracker noticed about it.
 */
export interface PositionRecord extends PositionFix {
  receivedAt: Date;
  /** Only when there is something (`['jump']`): kept in history, left out of the live state. */
  flags?: PositionFlag[];
}

export interface HistoryQuery {
  from?: Date;
  to?: Date;
  /** Without `from`, the newest `limit` fixes up to `to` (still returned oldest first). */
  limit: number;
}

/**
 * Everything the tracker persists, behind one interface: history (append-only, idempotent on
 * vehicle + fix time) and the latest state of each vehicle (so a restart rebuilds the hot map
 * without scanning history). Implementations: in-memory (embedded default) and MongoDB.
 */
export interface PositionStore {
  readonly kind: string;
  init(): Promise<void>;
  /** Inserts what is new; returns, per record, whether it was new (false = already stored). */
  insertPositions(records: PositionRecord[]): Promise<boolean[]>;
  saveVehicles(states: VehicleState[]): Promise<void>;
  loadVehicles(): Promise<VehicleState[]>;
  /** Oldest first. */
  history(vehicle: string, query: HistoryQuery): Promise<PositionRecord[]>;
  /** Removes history older than the cutoff where the database does not do it itself (TTL). */
  sweep(olderThan: Date): Promise<number>;
  isHealthy(): boolean;
  close(): Promise<void>;
}
