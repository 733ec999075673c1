import type { VehicleView } from './vehicle.js';

/**
 * The live stream (`GET /stream`, Server-Sent Events), described in asyncapi.yaml:
 * - `position`: a vehicle's new state; `id:` is its sequence number, also in the data as `seq`.
 *   A snapshot (for a client without a usable Last-Event-ID) is one id-less `position` per
 *   vehicle, then `snapshot-end`.
 * - `snapshot-end`: the snapshot is complete; its `id:` is the sequence to resume from.
 * Heartbeat comments every 15 s; a `retry:` hint first. Clients ignore event types they do not
 * know (new ones, such as alerts, are added that way).
 */
export const STREAM_EVENTS = {
  position: 'position',
  snapshotEnd: 'snapshot-end',
} as const;
export type StreamEventName = (typeof STREAM_EVENTS)[keyof typeof STREAM_EVENTS];

/** The data of a `position` event (live events carry `seq`, snapshot events do not). */
export interface PositionEventData extends VehicleView {
  seq?: number;
}

/** The data of `snapshot-end`: the sequence the snapshot reflects and how many vehicles it held. */
export interface SnapshotEndData {
  seq: number | null;
  vehicles: number;
}
