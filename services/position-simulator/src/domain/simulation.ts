import type { PositionFix } from '@fleetman/contract';
import { Driver, DEFAULT_DRIVING, type DrivingModel } from './driver.js';
import { planFleet, type VehiclePlan } from './fleet.js';
import { offsetM } from './geo.js';
import { createRng, deriveSeed, type Rng } from './random.js';
import { DEFAULT_REALISM, reportedAccuracyM, type RealismOptions } from './realism.js';
import type { Route } from './route.js';

/** The contract's fix, with speed (m/s), heading (degrees) and accuracy (m) always present. */
export type SimulatedFix = Required<PositionFix>;

export interface SimulationOptions {
  routes: readonly Route[];
  vehicles: number;
  /** One fix per vehicle every this many simulated milliseconds. */
  fixIntervalMs: number;
  seed: number;
  /** Simulated time at which the run starts. */
  start: Date;
  realism?: Partial<RealismOptions>;
  driving?: Partial<DrivingModel>;
}

/** Physics sub-step: keeps corner braking smooth whatever the fix interval. */
const MAX_STEP_MS = 1000;

interface SimulatedVehicle {
  plan: VehiclePlan;
  driver: Driver;
  /** Realism decisions; separate from the driver's stream so toggling one option does not reshuffle the other draws. */
  rng: Rng;
  /** Simulated time (ms) of this vehicle's next fix. */
  nextFixAt: number;
  /** Simulated time (ms) the physics has reached. */
  simulatedTo: number;
  silentUntil: number;
  heldBack?: SimulatedFix;
}

/**
 * The replay engine: a fleet driving its routes on a simulated clock. Callers move the clock
 * forward with advanceTo() and get back the fixes due by then, in sending order. Pure and
 * deterministic: the same options and seed give the same fixes however the clock is advanced.
 */
export class FleetSimulation {
  private readonly vehicles: SimulatedVehicle[];
  private readonly realism: RealismOptions;
  private readonly intervalMs: number;
  private nowMs: number;

  constructor(options: SimulationOptions) {
    if (!(options.fixIntervalMs > 0)) throw new Error('fixIntervalMs must be positive');
    this.realism = { ...DEFAULT_REALISM, ...options.realism };
    this.intervalMs = options.fixIntervalMs;
    this.nowMs = options.start.getTime();
    const driving = { ...DEFAULT_DRIVING, ...options.driving };
    const plans = planFleet(options.routes, options.vehicles);
    this.vehicles = plans.map((plan, index) => ({
      plan,
      driver: new Driver(
        plan.route,
        createRng(deriveSeed(options.seed, `drive:${plan.id}`)),
        plan.start,
        driving,
      ),
      rng: createRng(deriveSeed(options.seed, `feed:${plan.id}`)),
      // Stagger first fixes across one interval so the feed is smooth, not bursty.
      nextFixAt: this.nowMs + Math.floor((index * this.intervalMs) / plans.length),
      simulatedTo: this.nowMs,
      silentUntil: 0,
    }));
  }

  get clock(): Date {
    return new Date(this.nowMs);
  }

  /** Simulated time (ms) of the next fix due from any vehicle: when the caller should come back. */
  get nextDueAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const vehicle of this.vehicles) next = Math.min(next, vehicle.nextFixAt);
    return next;
  }

  get size(): number {
    return this.vehicles.length;
  }

  get fleet(): ReadonlyArray<{ id: string; name: string; route: string }> {
    return this.vehicles.map(({ plan }) => ({
      id: plan.id,
      name: plan.name,
      route: plan.route.name,
    }));
  }

  /** Moves the simulated clock to `until` and returns every fix sent by then, oldest send first. */
  advanceTo(until: Date | number): SimulatedFix[] {
    const untilMs = typeof until === 'number' ? until : until.getTime();
    const sent: Array<{ at: number; order: number; fix: SimulatedFix }> = [];
    for (const vehicle of this.vehicles) {
      while (vehicle.nextFixAt <= untilMs) {
        const at = vehicle.nextFixAt;
        this.driveTo(vehicle, at);
        for (const fix of this.feed(vehicle, this.observe(vehicle, at))) {
          sent.push({ at, order: sent.length, fix });
        }
        vehicle.nextFixAt += this.intervalMs;
      }
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
    return sent.sort((a, b) => a.at - b.at || a.order - b.order).map((entry) => entry.fix);
  }

  private driveTo(vehicle: SimulatedVehicle, toMs: number): void {
    while (vehicle.simulatedTo < toMs) {
      const dt = Math.min(MAX_STEP_MS, toMs - vehicle.simulatedTo);
      vehicle.simulatedTo += dt;
      vehicle.driver.step(dt / 1000, vehicle.simulatedTo);
    }
  }

  /** What the GPS receiver reports: the true position plus noise. */
  private observe(vehicle: SimulatedVehicle, atMs: number): SimulatedFix {
    const { noiseM } = this.realism;
    const truth = vehicle.driver.position();
    const position =
      noiseM > 0
        ? offsetM(truth, noiseM * vehicle.rng.normal(), noiseM * vehicle.rng.normal())
        : truth;
    return {
      vehicle: vehicle.plan.id,
      name: vehicle.plan.name,
      lat: round(position.lat, 6),
      lng: round(position.lng, 6),
      time: new Date(atMs),
      speed: round(vehicle.driver.state.speed, 2),
      heading: round(truth.heading, 1) % 360,
      accuracy: reportedAccuracyM(noiseM),
    };
  }

  /** What reaches the network: dropouts, stops, duplicates and reordering applied to one fix. */
  private feed(vehicle: SimulatedVehicle, fix: SimulatedFix): SimulatedFix[] {
    const r = this.realism;
    const rng = vehicle.rng;
    const at = fix.time.getTime();
    // Every decision draws, used or not, so one option's setting never shifts another's stream.
    const startsStop = rng.chance(r.stopProbability);
    const startsDropout = rng.chance(r.dropoutProbability);
    const duplicated = rng.chance(r.duplicateProbability);
    const holdBack = rng.chance(r.outOfOrderProbability);
    const dropoutS = rng.between(r.dropoutDurationS[0], r.dropoutDurationS[1]);

    if (startsStop && !vehicle.driver.parked) vehicle.driver.requestStop();
    if (at < vehicle.silentUntil) return [];
    if (startsDropout) {
      vehicle.silentUntil = at + dropoutS * 1000;
      return [];
    }
    const out: SimulatedFix[] = duplicated ? [fix, { ...fix }] : [fix];
    if (vehicle.heldBack) {
      out.push(vehicle.heldBack);
      vehicle.heldBack = undefined;
    } else if (holdBack) {
      vehicle.heldBack = out.shift();
    }
    return out;
  }
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
