import type { VehicleStatus, VehicleView } from './vehicle.js';

/**
 * The live stream (`GET /stream`, Server-Sent Events), described in asyncapi.yaml:
 * - `position`: a vehicle's new state after a fix; `id:` is its sequence number, also in the
 *   data as `seq`. A snapshot (for a client without a usable Last-Event-ID) is one id-less
 *   `position` per vehicle carrying its current status (offline included), then `snapshot-end`.
 * - `status`: a vehicle's status changed without a new position: it went `offline` (no fix for
 *   the tracker's OFFLINE_AFTER, decided by a timer) or came back online (`previousStatus`
 *   `offline`). The data is the whole state, like `position`, so a client applies both the same
 *   way; sequenced and resumable like positions.
 * - `snapshot-end`: the snapshot is complete; its `id:` is the sequence to resume from.
 * Heartbeat comments every 15 s; a `retry:` hint first. Clients ignore event types they do not
 * know (new ones, such as alerts, are added that way).
 */
export const STREAM_EVENTS = {
  position: 'position',
  status: 'status',
  snapshotEnd: 'snapshot-end',
} as const;
export type StreamEventName = (typeof STREAM_EVENTS)[keyof typeof STREAM_EVENTS];

/** The data of a `position` event (live events carry `seq`, snapshot events do not). */
export interface PositionEventData extends VehicleView {
  seq?: number;
}

/** The data of a `status` event: the vehicle's state with its new status, and the one before. */
export interface StatusEventData extends VehicleView {
  seq?: number;
  previousStatus: VehicleStatus;
}

/** The data of `snapshot-end`: the sequence the snapshot reflects and how many vehicles it held. */
export interface SnapshotEndData {
  seq: number | null;
  vehicles: number;
}
