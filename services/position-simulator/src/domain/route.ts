import {
  bearingDeg,
  distanceM,
  headingChangeDeg,
  interpolate,
  kmhToMs,
  type LatLng,
} from './geo.js';

/** What the replay needs from a track: its points, optionally timed (the speed profile). */
export interface RoutePoint extends LatLng {
  time?: Date;
}

export interface RouteSpeeds {
  /** Cruise speed where the track has no usable times. */
  defaultKmh: number;
  /** Speeds read from track times are clamped into [minKmh, maxKmh]. */
  minKmh: number;
  maxKmh: number;
}

export const DEFAULT_ROUTE_SPEEDS: RouteSpeeds = { defaultKmh: 40, minKmh: 10, maxKmh: 90 };

/** Heading change measured across ±CORNER_WINDOW_M, so a curve drawn as many small bends counts. */
const CORNER_WINDOW_M = 15;
/** A vehicle keeps corner speed until it is this far past the bend's vertex (it is still turning). */
const CORNER_CLEARANCE_M = 10;
/** Bends gentler than this are taken at cruise speed. */
const GENTLE_BEND_DEG = 20;

/**
 * Safe speed through a bend of `deflection` degrees: ~43 km/h at 20°, ~34 at 45°, ~21 at 90°,
 * ~5 for a U-turn (an empirical curve; urban drivers slow roughly like this).
 */
export function cornerSpeedMs(deflectionDeg: number): number {
  if (deflectionDeg < GENTLE_BEND_DEG) return Number.POSITIVE_INFINITY;
  return kmhToMs(5 + 45 * ((180 - Math.min(180, deflectionDeg)) / 180) ** 1.5);
}

export interface RoutePosition extends LatLng {
  /** Direction of travel, degrees from north. */
  heading: number;
}

/** A track prepared for driving: cumulative distances, per-segment speeds, per-vertex corner speeds. */
export class Route {
  readonly length: number;
  private readonly points: LatLng[];
  private readonly cumulative: number[];
  /** segmentSpeed[i]: cruise speed (m/s) from points[i] to points[i+1]. */
  private readonly segmentSpeed: number[];
  /** cornerSpeed[i]: safe speed (m/s) through vertex i. */
  private readonly cornerSpeed: number[];

  constructor(
    readonly name: string,
    input: readonly RoutePoint[],
    speeds: RouteSpeeds = DEFAULT_ROUTE_SPEEDS,
  ) {
    const kept: RoutePoint[] = [];
    for (const p of input) {
      // Repeated points would make zero-length segments with no bearing.
      if (!kept.length || distanceM(kept.at(-1)!, p) >= 0.1) kept.push(p);
    }
    if (kept.length < 2) throw new Error(`Track "${name}" has fewer than 2 distinct points`);
    this.points = kept.map(({ lat, lng }) => ({ lat, lng }));
    this.cumulative = [0];
    this.segmentSpeed = [];
    for (let i = 1; i < kept.length; i++) {
      const d = distanceM(kept[i - 1]!, kept[i]!);
      this.cumulative.push(this.cumulative[i - 1]! + d);
      this.segmentSpeed.push(segmentSpeedMs(kept[i - 1]!, kept[i]!, d, speeds));
    }
    this.length = this.cumulative.at(-1)!;
    this.cornerSpeed = this.points.map((p, i) => {
      if (i === 0 || i === this.points.length - 1) return 0; // the ends are turnarounds
      const s = this.cumulative[i]!;
      const before = this.positionAt(s - CORNER_WINDOW_M, 1);
      const after = this.positionAt(s + CORNER_WINDOW_M, 1);
      return cornerSpeedMs(headingChangeDeg(bearingDeg(before, p), bearingDeg(p, after)));
    });
  }

  /** Index of the segment containing distance s (clamped to the route). */
  segmentAt(s: number): number {
    let lo = 0;
    let hi = this.segmentSpeed.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid]! <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(s: number, direction: 1 | -1): RoutePosition {
    const clamped = Math.min(this.length, Math.max(0, s));
    const i = this.segmentAt(clamped);
    const a = this.points[i]!;
    const b = this.points[i + 1]!;
    const segmentLength = this.cumulative[i + 1]! - this.cumulative[i]!;
    const position = interpolate(a, b, (clamped - this.cumulative[i]!) / segmentLength);
    const forward = bearingDeg(a, b);
    return { ...position, heading: direction === 1 ? forward : (forward + 180) % 360 };
  }

  /** The cruise speed (m/s) of the road at s, read from the track's times. */
  cruiseSpeedAt(s: number): number {
    return this.segmentSpeed[this.segmentAt(s)]!;
  }

  /**
   * The fastest the vehicle at s may go to take every bend, and stop at the route's end, within
   * `lookaheadM` ahead when braking at `brakingMs2`; Infinity when nothing is near.
   */
  bendLimitAt(s: number, direction: 1 | -1, lookaheadM: number, brakingMs2: number): number {
    const i = this.segmentAt(s);
    let limit = Number.POSITIVE_INFINITY;
    // Start a few vertices behind: a bend just passed still limits the speed (clearance).
    let v = direction === 1 ? i : i + 1;
    while (v - direction >= 0 && v - direction < this.points.length) {
      if ((s - this.cumulative[v - direction]!) * direction > CORNER_CLEARANCE_M) break;
      v -= direction;
    }
    for (; v >= 0 && v < this.points.length; v += direction) {
      const ahead = (this.cumulative[v]! - s) * direction;
      if (ahead > lookaheadM) break;
      if (ahead < -CORNER_CLEARANCE_M) continue;
      // A route end is a turnaround only when driving towards it, not when leaving it.
      const isEnd = v === 0 || v === this.points.length - 1;
      if (isEnd && ahead <= 0) continue;
      const corner = this.cornerSpeed[v]!;
      if (corner !== Number.POSITIVE_INFINITY) {
        limit = Math.min(limit, Math.sqrt(corner * corner + 2 * brakingMs2 * Math.max(0, ahead)));
      }
    }
    return limit;
  }
}

function segmentSpeedMs(a: RoutePoint, b: RoutePoint, d: number, speeds: RouteSpeeds): number {
  const seconds = a.time && b.time ? (b.time.getTime() - a.time.getTime()) / 1000 : 0;
  const kmh = seconds > 0 ? (d / seconds) * 3.6 : speeds.defaultKmh;
  return kmhToMs(Math.min(speeds.maxKmh, Math.max(speeds.minKmh, kmh)));
}
