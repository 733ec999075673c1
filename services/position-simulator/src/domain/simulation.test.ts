import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadTracks, SHIPPED_TRACKS_DIR } from '../tracks/load-tracks.js';
import { distanceM, msToKmh } from './geo.js';
import type { RealismOptions } from './realism.js';
import { Route } from './route.js';
import { FleetSimulation, type SimulatedFix, type SimulationOptions } from './simulation.js';
import { lShapedTrack } from './test-routes.js';

const START = Date.parse('2025-03-01T08:00:00Z');
const HOUR = 3_600_000;

let cityRoutes: Route[];
before(async () => {
  cityRoutes = (await loadTracks(SHIPPED_TRACKS_DIR)).map((t) => new Route(t.name, t.points));
});

function run(
  options: Partial<SimulationOptions> & { realism?: Partial<RealismOptions> },
  durationMs = HOUR,
) {
  const sim = new FleetSimulation({
    routes: cityRoutes,
    vehicles: cityRoutes.length,
    fixIntervalMs: 5000,
    seed: 42,
    start: new Date(START),
    ...options,
  });
  return sim.advanceTo(START + durationMs);
}

const byVehicle = (fixes: SimulatedFix[]) => {
  const map = new Map<string, SimulatedFix[]>();
  for (const fix of fixes) map.set(fix.vehicle, [...(map.get(fix.vehicle) ?? []), fix]);
  return map;
};
const fraction = (count: number, total: number) => count / total;

describe('FleetSimulation: driving', () => {
  it('drives city tracks at urban speeds, never faster than the roads allow', () => {
    const fixes = run({ realism: { noiseM: 0 } });
    const kmh = fixes.map((f) => msToKmh(f.speed));
    const moving = kmh.filter((v) => v > 5);
    const mean = moving.reduce((a, b) => a + b, 0) / moving.length;
    const p95 = [...moving].sort((a, b) => a - b)[Math.floor(moving.length * 0.95)]!;
    assert.ok(mean > 30 && mean < 50, `mean moving speed ${mean.toFixed(1)} km/h`);
    assert.ok(p95 < 70, `95th percentile ${p95.toFixed(1)} km/h`);
    assert.ok(Math.max(...kmh) <= 90 * 1.24, 'road maximum × driver factor × wander');
    assert.ok(Math.min(...kmh) >= 0);
    // Distance between fixes agrees with the reported speeds (no teleporting).
    for (const track of byVehicle(fixes).values()) {
      for (let i = 1; i < track.length; i++) {
        const metres = distanceM(track[i - 1]!, track[i]!);
        const fastest = (Math.max(track[i - 1]!.speed, track[i]!.speed) + 0.1) * 5 + (1.5 * 25) / 2;
        assert.ok(
          metres <= fastest + 1,
          `${track[i]!.vehicle} jumped ${metres.toFixed(0)} m in 5 s`,
        );
      }
    }
  });

  it('slows down for a right-angle corner and turns around at the end', () => {
    const fixes = run(
      {
        routes: [new Route('L', lShapedTrack(500, 50))],
        vehicles: 1,
        fixIntervalMs: 250,
        realism: { noiseM: 0 },
      },
      180_000,
    );
    const corner = lShapedTrack(500, 50)[10]!;
    const nearCorner = fixes.filter((f) => distanceM(f, corner) < 5);
    const straight = fixes.filter((f) => Math.abs(distanceM(f, corner) - 250) < 10);
    assert.ok(nearCorner.length > 0 && straight.length > 0);
    assert.ok(Math.max(...nearCorner.map((f) => msToKmh(f.speed))) < 28, 'corner speed');
    assert.ok(Math.max(...straight.map((f) => msToKmh(f.speed))) > 30, 'cruise speed');
    const headings = new Set(fixes.map((f) => Math.round(f.heading / 90) % 4));
    assert.deepEqual([...headings].sort(), [0, 1, 2, 3], 'east, north, then back south and west');
  });
});

describe('FleetSimulation: fix timing', () => {
  it('emits one fix per vehicle per interval, staggered across the interval, in time order', () => {
    const fixes = run({ vehicles: 10, fixIntervalMs: 2000 }, 59_999);
    assert.equal(fixes.length, 10 * 30);
    for (const track of byVehicle(fixes).values()) {
      for (let i = 1; i < track.length; i++) {
        assert.equal(track[i]!.time.getTime() - track[i - 1]!.time.getTime(), 2000);
      }
    }
    const firsts = [...byVehicle(fixes).values()].map((t) => t[0]!.time.getTime() - START);
    assert.deepEqual(firsts, [0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    const times = fixes.map((f) => f.time.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });

  it('gives the same fixes however the clock is advanced, and for the same seed', () => {
    const options: SimulationOptions = {
      routes: cityRoutes,
      vehicles: 40,
      fixIntervalMs: 3000,
      seed: 7,
      start: new Date(START),
      realism: {
        noiseM: 5,
        stopProbability: 0.02,
        dropoutProbability: 0.02,
        duplicateProbability: 0.05,
        outOfOrderProbability: 0.05,
      },
    };
    const once = new FleetSimulation(options).advanceTo(START + 600_000);
    const stepped = new FleetSimulation(options);
    const pieces: SimulatedFix[] = [];
    for (let t = START; t <= START + 600_000; t += 777)
      pieces.push(...stepped.advanceTo(Math.min(t, START + 600_000)));
    pieces.push(...stepped.advanceTo(START + 600_000));
    // Sending order may interleave vehicles differently between chunkings; each vehicle's feed may not.
    assert.deepEqual(byVehicle(pieces), byVehicle(once));
    assert.deepEqual(new FleetSimulation(options).advanceTo(START + 600_000), once);
    assert.notDeepEqual(
      new FleetSimulation({ ...options, seed: 8 }).advanceTo(START + 600_000),
      once,
    );
  });
});

describe('FleetSimulation: fleet multiplier', () => {
  it('runs more vehicles than tracks with unique ids and names, spread along the shared tracks', () => {
    const sim = new FleetSimulation({
      routes: cityRoutes,
      vehicles: 2500,
      fixIntervalMs: 10_000,
      seed: 1,
      start: new Date(START),
    });
    const ids = sim.fleet.map((v) => v.id);
    assert.equal(new Set(ids).size, 2500);
    assert.equal(ids[0], 'vehicle-0001');
    assert.equal(ids[41], 'vehicle-0042');
    assert.equal(sim.fleet[41]!.name, 'City Truck 42');
    assert.equal(new Set(sim.fleet.map((v) => v.name)).size, 2500);
    const first = sim.advanceTo(START + 9_999);
    assert.equal(first.length, 2500);
    const sameTrack = first.filter((_, i) => i % cityRoutes.length === 0).slice(0, 10);
    for (let i = 1; i < sameTrack.length; i++) {
      assert.ok(
        distanceM(sameTrack[i]!, sameTrack[0]!) > 100,
        'vehicles sharing a track start apart',
      );
    }
  });

  it('pads ids to the fleet size beyond 9999', () => {
    const sim = new FleetSimulation({
      routes: cityRoutes,
      vehicles: 12_000,
      fixIntervalMs: 10_000,
      seed: 1,
      start: new Date(START),
    });
    assert.equal(sim.fleet[0]!.id, 'vehicle-00001');
    assert.equal(sim.fleet.at(-1)!.id, 'vehicle-12000');
  });
});

describe('FleetSimulation: realism options', () => {
  it('adds no noise at 0, and position error of about NOISE_M otherwise', () => {
    const exact = run({ realism: { noiseM: 0 } }, 600_000);
    const noisy = run({ realism: { noiseM: 10 } }, 600_000);
    assert.equal(noisy.length, exact.length);
    const errors = noisy.map((f, i) => distanceM(f, exact[i]!));
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    // Mean of a 2-D normal error's length is σ·√(π/2) ≈ 12.5 m for σ = 10 m.
    assert.ok(mean > 10 && mean < 15, `mean error ${mean.toFixed(1)} m`);
    assert.equal(noisy[0]!.accuracy, 15);
    assert.deepEqual(
      noisy.map((f) => f.time),
      exact.map((f) => f.time),
    );
  });

  it('is light noise only by default: no stops, gaps, duplicates or reordering', () => {
    const fixes = run({});
    assert.equal(fixes[0]!.accuracy, 4.5);
    for (const track of byVehicle(fixes).values()) {
      for (let i = 1; i < track.length; i++) {
        assert.equal(track[i]!.time.getTime() - track[i - 1]!.time.getTime(), 5000);
      }
    }
  });

  it('stops: vehicles park mid-route for a while', () => {
    const parkedShare = (fixes: SimulatedFix[]) =>
      fraction(fixes.filter((f) => f.speed === 0).length, fixes.length);
    const baseline = parkedShare(run({}));
    const stopping = run({ realism: { stopProbability: 0.01 } });
    assert.ok(baseline < 0.01, `turnarounds only: ${baseline}`);
    assert.ok(parkedShare(stopping) > 0.1, `parked share ${parkedShare(stopping)}`);
    // A stop lasts 30–300 s: at least six consecutive 5-s fixes standing still somewhere.
    const longest = Math.max(
      ...[...byVehicle(stopping).values()].map((track) => {
        let run = 0;
        let best = 0;
        for (const f of track) best = Math.max(best, (run = f.speed === 0 ? run + 1 : 0));
        return best;
      }),
    );
    assert.ok(longest >= 6, `longest stop ${longest} fixes`);
  });

  it('dropouts: gaps with no fixes', () => {
    const fixes = run({ realism: { dropoutProbability: 0.02 } });
    const gaps = [...byVehicle(fixes).values()].flatMap((track) =>
      track.slice(1).map((f, i) => f.time.getTime() - track[i]!.time.getTime()),
    );
    assert.ok(
      gaps.some((gap) => gap >= 20_000),
      'a gap of at least 20 s',
    );
    assert.ok(fixes.length < 0.95 * cityRoutes.length * 720, `${fixes.length} fixes`);
  });

  it('duplicates: some fixes are sent twice', () => {
    const fixes = run({ realism: { duplicateProbability: 0.1 } });
    const keys = fixes.map((f) => `${f.vehicle}@${f.time.toISOString()}`);
    const share = fraction(keys.length - new Set(keys).size, keys.length);
    assert.ok(share > 0.06 && share < 0.12, `duplicate share ${share}`);
  });

  it('out of order: some fixes arrive after a later one', () => {
    const fixes = run({ realism: { outOfOrderProbability: 0.1 } });
    let late = 0;
    for (const track of byVehicle(fixes).values()) {
      for (let i = 1; i < track.length; i++) if (track[i]!.time < track[i - 1]!.time) late++;
    }
    const share = fraction(late, fixes.length);
    assert.ok(share > 0.05 && share < 0.12, `late share ${share}`);
    // Nothing is lost: only the fixes still held back at the end (one per vehicle at most) are missing.
    const missing = run({}).length - fixes.length;
    assert.ok(missing >= 0 && missing <= cityRoutes.length, `${missing} missing`);
  });
});
