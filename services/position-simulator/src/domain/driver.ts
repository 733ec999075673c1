import type { Rng } from './random.js';
import type { Route, RoutePosition } from './route.js';

/** How vehicles drive. The defaults give urban car behaviour: 30–50 km/h streets, gentle starts. */
export interface DrivingModel {
  accelerationMs2: number;
  /** Planned braking (corners, stops); also used to look ahead. */
  brakingMs2: number;
  /** Hard braking when the limit drops at once (e.g. onto a slower street). */
  maxBrakingMs2: number;
  /** Each driver keeps a personal factor in this range on top of the road speed. */
  driverFactor: readonly [number, number];
  /** Slow wander around the driver's speed (traffic), as a fraction; mean-reverting. */
  variation: number;
  variationTimeConstantS: number;
  /** A random stop lasts between these (simulated seconds). */
  stopDurationS: readonly [number, number];
}

export const DEFAULT_DRIVING: DrivingModel = {
  accelerationMs2: 1.5,
  brakingMs2: 2,
  maxBrakingMs2: 4,
  driverFactor: [0.75, 1.0],
  variation: 0.12,
  variationTimeConstantS: 30,
  stopDurationS: [30, 300],
};

/** Lookahead long enough to brake from 90 km/h to 0 at the planned rate. */
const LOOKAHEAD_M = 160;

export interface DriverState {
  /** Distance along the route, metres. */
  s: number;
  direction: 1 | -1;
  speed: number;
  /** A random stop was decided: brake, then park. */
  stopRequested: boolean;
  /** Simulated ms until which the vehicle stays parked. */
  parkedUntil: number;
}

/**
 * One vehicle driving one route, back and forth (it turns around at either end, so positions stay
 * continuous). Pure: all randomness comes from the rng it is given.
 */
export class Driver {
  private readonly factor: number;
  private wander = 0;
  readonly state: DriverState;

  constructor(
    readonly route: Route,
    private readonly rng: Rng,
    start: { s: number; direction: 1 | -1 },
    private readonly model: DrivingModel = DEFAULT_DRIVING,
  ) {
    this.factor = rng.between(model.driverFactor[0], model.driverFactor[1]);
    this.state = {
      s: start.s,
      direction: start.direction,
      speed: 0,
      stopRequested: false,
      parkedUntil: 0,
    };
  }

  get parked(): boolean {
    return this.state.speed === 0 && this.state.parkedUntil > 0;
  }

  /** Pull over at the next chance and stay parked for a random duration. */
  requestStop(): void {
    this.state.stopRequested = true;
  }

  position(): RoutePosition {
    return this.route.positionAt(this.state.s, this.state.direction);
  }

  /** Advances the vehicle by dtS simulated seconds, ending at simulated time nowMs. */
  step(dtS: number, nowMs: number): void {
    const st = this.state;
    if (st.parkedUntil > 0) {
      if (nowMs < st.parkedUntil) return;
      st.parkedUntil = 0;
    }
    const m = this.model;
    // Ornstein–Uhlenbeck wander: traffic makes speed drift, then return to the driver's habit.
    this.wander +=
      (-this.wander * dtS) / m.variationTimeConstantS +
      m.variation * Math.sqrt((2 * dtS) / m.variationTimeConstantS) * this.rng.normal();
    this.wander = Math.max(-2 * m.variation, Math.min(2 * m.variation, this.wander));

    // Judge the limit where this step will end, so a whole step never overshoots a bend's speed.
    const ahead = st.s + st.direction * st.speed * dtS;
    const cruise = this.route.cruiseSpeedAt(st.s) * this.factor * (1 + this.wander);
    // Bends are physics, not habit: the driver's factor and wander never raise their limit.
    let target = Math.min(
      cruise,
      this.route.bendLimitAt(ahead, st.direction, LOOKAHEAD_M, m.brakingMs2),
    );
    if (st.stopRequested) target = 0;

    const before = st.speed;
    st.speed =
      before < target
        ? Math.min(target, before + m.accelerationMs2 * dtS)
        : Math.max(target, before - m.maxBrakingMs2 * dtS);
    const travelled = ((before + st.speed) / 2) * dtS;
    st.s += st.direction * travelled;

    if (st.s >= this.route.length || st.s <= 0) {
      // End of the trip: stand still, turn around, drive the route back.
      st.s = Math.min(this.route.length, Math.max(0, st.s));
      st.speed = 0;
      st.direction = st.direction === 1 ? -1 : 1;
    }
    if (st.stopRequested && st.speed === 0) {
      st.stopRequested = false;
      st.parkedUntil = nowMs + 1000 * this.rng.between(m.stopDurationS[0], m.stopDurationS[1]);
    }
  }
}
