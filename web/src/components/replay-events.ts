import type { Pose } from '../domain/motion.js';
import type { Stop } from '../domain/trip.js';
import type { HistoryPoint } from '../domain/vehicle.js';

export interface ReplayView {
  points: HistoryPoint[];
  pose: Pose | undefined;
  stops: Stop[];
  follow: boolean;
}

/** The replay bar tells the app what to draw; `view` undefined means replay closed. */
export class ReplayChangeEvent extends Event {
  static readonly type = 'replay-change';
  constructor(readonly view: ReplayView | undefined) {
    super(ReplayChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'replay-change': ReplayChangeEvent;
  }
}
