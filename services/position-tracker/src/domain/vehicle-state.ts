import type { PositionFix, VehicleStatus, VehicleView } from '@fleetman/contract';
import { inverse } from './geodesy.js';

/**
 * Thresholds behind the status, documented in the tracker README:
 * - moving: smoothed speed ≥ 1 m/s (3.6 km/h) — a parked GPS receiver jitters well below that;
 * - idle: below that for less than 5 minutes (traffic light, delivery stop);
 * - parked: below that for 5 minutes or more;
 * - offline: nothing received for OFFLINE_AFTER (default 2 minutes): decided by a timer
 *   (tracking/presence.ts) and kept in the state (`offline`), so it is pushed, not derived on read.
 */
export const THRESHOLDS = {
  movingSpeed: 1,
  parkedAfterMs: 5 * 60_000,
  /** The default of OFFLINE_AFTER. */
  offlineAfterMs: 2 * 60_000,
  /** Moves shorter than this are GPS noise: they do not turn the heading. */
  headingMinDistance: 3,
  /** Smoothing time constant of the speed (exponential, on fix time). */
  speedTauS: 2,
  /** Beyond this (324 km/h) a jump between fixes is a GPS glitch, not a speed. */
  maxPlausibleSpeed: 90,
  /**
   * A fix farther from the live position than maxPlausibleSpeed × Δt plus this is a jump (a
   * glitch): it stays out of the live state. The margin absorbs GPS noise at high fix rates
   * (two fixes 0.1 s apart may differ by tens of metres of noise alone).
   */
  jumpMarginM: 50,
  /** After a gap this long the previous speed says nothing about the current one. */
  speedResetAfterMs: 5 * 60_000,
} as const;

export interface VehicleState {
  id: string;
  name: string;
  lat: number;
  lng: number;
  /** fix time of the newest fix */
  time: Date;
  /** m/s, smoothed */
  speed: number;
  /** degrees clockwise from north */
  heading: number;
  status: Exclude<VehicleStatus, 'offline'>;
  statusSince: Date;
  /** fix time since which the vehicle has been below the moving speed; null while moving */
  stationarySince: Date | null;
  /** wall-clock time the tracker last heard from the vehicle */
  lastSeen: Date;
  /**
   * Set by the presence timer after OFFLINE_AFTER without contact; any fix (even a late one)
   * clears it. Then the public status is `offline` whatever `status` says.
   */
  offline: boolean;
  /**
   * The last fix rejected as a jump. A next fix consistent with it (and not with the live
   * position) means the vehicle really is there (a device moved to another truck, a ferry
   * crossing without coverage): the live state follows instead of rejecting every fix forever.
   */
  jumpCandidate?: { lat: number; lng: number; time: Date } | null;
}

export type Advance =
  | { kind: 'first' | 'advanced'; state: VehicleState }
  | { kind: 'stale' | 'jump'; state: VehicleState };

/**
 * Folds one fix into a vehicle's state. Fixes not newer than the current one (duplicates,
 * out-of-order arrivals) are `stale`: history keeps them, the live state only notes the contact.
 * A fix implying an impossible move (`jump`, e.g. 2 km in 1 s) is kept in history, flagged, and
 * likewise moves neither the live position nor the heading.
 */
export function advance(
  previous: VehicleState | undefined,
  fix: PositionFix,
  receivedAt: Date,
): Advance {
  if (!previous) {
    const speed = fix.speed ?? 0;
    const status = speed >= THRESHOLDS.movingSpeed ? 'moving' : 'idle';
    return {
      kind: 'first',
      state: {
        id: fix.vehicle,
        name: fix.name,
        lat: fix.lat,
        lng: fix.lng,
        time: fix.time,
        speed,
        heading: fix.heading ?? 0,
        status,
        statusSince: fix.time,
        stationarySince: status === 'moving' ? null : fix.time,
        lastSeen: receivedAt,
        offline: false,
      },
    };
  }
  const lastSeen = receivedAt > previous.lastSeen ? receivedAt : previous.lastSeen;
  const dtMs = fix.time.getTime() - previous.time.getTime();
  if (dtMs <= 0) return { kind: 'stale', state: { ...previous, lastSeen, offline: false } };

  let from: Pick<VehicleState, 'lat' | 'lng' | 'time'> = previous;
  let { distance, bearing } = inverse(previous, fix);
  if (isJump(distance, dtMs)) {
    const candidate = previous.jumpCandidate;
    const confirms =
      candidate &&
      fix.time > candidate.time &&
      !isJump(inverse(candidate, fix).distance, fix.time.getTime() - candidate.time.getTime());
    if (!confirms) {
      const jumpCandidate = { lat: fix.lat, lng: fix.lng, time: fix.time };
      return { kind: 'jump', state: { ...previous, lastSeen, offline: false, jumpCandidate } };
    }
    // Two consistent fixes far away: the vehicle is there. Continue from the first of them.
    from = candidate;
    ({ distance, bearing } = inverse(candidate, fix));
  }
  const fromDtMs = fix.time.getTime() - from.time.getTime();
  const measured = fix.speed ?? distance / (fromDtMs / 1000);
  const speed = smoothSpeed(previous.speed, measured, fromDtMs);
  const heading =
    fix.heading ??
    (distance >= THRESHOLDS.headingMinDistance && !Number.isNaN(bearing)
      ? bearing
      : previous.heading);

  const moving = speed >= THRESHOLDS.movingSpeed;
  const stationarySince = moving ? null : (previous.stationarySince ?? fix.time);
  const status: VehicleState['status'] = moving
    ? 'moving'
    : fix.time.getTime() - (stationarySince as Date).getTime() >= THRESHOLDS.parkedAfterMs
      ? 'parked'
      : 'idle';
  return {
    kind: 'advanced',
    state: {
      id: previous.id,
      name: fix.name,
      lat: fix.lat,
      lng: fix.lng,
      time: fix.time,
      speed,
      heading: Math.round(heading * 10) / 10,
      status,
      statusSince: status === previous.status ? previous.statusSince : fix.time,
      stationarySince,
      lastSeen,
      offline: false,
      jumpCandidate: null,
    },
  };
}

/** Farther than the fastest plausible vehicle could go in dtMs, beyond GPS noise. */
function isJump(distance: number, dtMs: number): boolean {
  return distance - THRESHOLDS.jumpMarginM > THRESHOLDS.maxPlausibleSpeed * (dtMs / 1000);
}

function smoothSpeed(previous: number, measured: number, dtMs: number): number {
  if (measured > THRESHOLDS.maxPlausibleSpeed) return previous;
  if (dtMs >= THRESHOLDS.speedResetAfterMs) return round(measured);
  const alpha = 1 - Math.exp(-dtMs / 1000 / THRESHOLDS.speedTauS);
  return round(previous + alpha * (measured - previous));
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The public status: `offline` (since the last contact) once the presence timer said so. */
export function viewStatus(state: VehicleState): { status: VehicleStatus; statusSince: Date } {
  if (state.offline) return { status: 'offline', statusSince: state.lastSeen };
  return { status: state.status, statusSince: state.statusSince };
}

/** The public shape (contract's VehicleView) of a state. */
export function toView(state: VehicleState): VehicleView {
  const { status, statusSince } = viewStatus(state);
  return {
    id: state.id,
    name: state.name,
    lat: state.lat,
    lng: state.lng,
    time: state.time.toISOString(),
    speed: state.speed,
    heading: state.heading,
    status,
    statusSince: statusSince.toISOString(),
    lastSeen: state.lastSeen.toISOString(),
  };
}
