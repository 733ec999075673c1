import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PositionFix } from '@fleetman/contract';
import { advance, THRESHOLDS, viewStatus, type VehicleState } from './vehicle-state.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
// 1° of latitude at 57.7° N on WGS-84 is 111,337.9 m (meridian arc, GeographicLib); 10 m ≈ 8.9816e-5°.
const METRE_LAT = 1 / 111_337.9;
const fix = (
  seconds: number,
  northMetres: number,
  extra: Partial<PositionFix> = {},
): PositionFix => ({
  vehicle: 'v1',
  name: 'Van 1',
  lat: 57.7 + northMetres * METRE_LAT,
  lng: 11.97,
  time: new Date(T0 + seconds * 1000),
  ...extra,
});

function drive(fixes: PositionFix[]): VehicleState {
  let state: VehicleState | undefined;
  for (const f of fixes) state = advance(state, f, f.time).state;
  return state as VehicleState;
}

test('steady 10 m/s northwards converges to 10 m/s, heading 0, moving', () => {
  const state = drive(Array.from({ length: 30 }, (_, i) => fix(i, i * 10)));
  assert.ok(Math.abs(state.speed - 10) < 0.05, `speed ${state.speed}`);
  assert.equal(state.heading, 0);
  assert.equal(state.status, 'moving');
});

test('speed uses fix time, not arrival: a 5 s gap at 10 m/s is still 10 m/s', () => {
  const state = drive([fix(0, 0), fix(1, 10), fix(2, 20), fix(7, 70), fix(12, 120), fix(17, 170)]);
  assert.ok(Math.abs(state.speed - 10) < 0.5, `speed ${state.speed}`);
});

test('duplicates and out-of-order fixes do not change the state or the speed', () => {
  const before = drive([fix(0, 0), fix(1, 10), fix(2, 20)]);
  const duplicate = advance(before, fix(2, 20), new Date(T0 + 5000));
  const older = advance(before, fix(1, 10), new Date(T0 + 6000));
  assert.equal(duplicate.kind, 'stale');
  assert.equal(older.kind, 'stale');
  assert.equal(older.state.speed, before.speed);
  assert.equal(older.state.lat, before.lat);
  assert.equal(older.state.lastSeen.getTime(), T0 + 6000, 'contact is still noted');
});

test('a GPS jump (teleport) does not spike the speed', () => {
  const state = drive([fix(0, 0), fix(1, 10), fix(2, 20), fix(3, 5020)]);
  assert.ok(state.speed < 15, `speed ${state.speed}`);
});

test('GPS jitter under 3 m keeps the previous heading', () => {
  const moving = drive([fix(0, 0), fix(1, 10), fix(2, 20)]);
  const jitter = advance(
    moving,
    { ...fix(3, 20), lng: 11.97 + 0.00002 },
    new Date(T0 + 3000),
  ).state;
  assert.equal(jitter.heading, 0);
});

test('reported speed and heading win over computed ones', () => {
  const state = drive([fix(0, 0, { speed: 0 }), fix(10, 100, { speed: 12, heading: 45 })]);
  assert.equal(state.heading, 45);
  assert.ok(state.speed > 11 && state.speed <= 12);
});

test('status: moving → idle when it stops → parked after 5 minutes, with the time it changed', () => {
  const fixes = [fix(0, 0), fix(1, 10), fix(2, 20), fix(3, 30)];
  for (let s = 4; s <= 400; s += 4) fixes.push(fix(s, 30));
  let state: VehicleState | undefined;
  const seen: Array<[string, number]> = [];
  for (const f of fixes) {
    state = advance(state, f, f.time).state;
    if (seen.at(-1)?.[0] !== state.status)
      seen.push([state.status, (state.statusSince.getTime() - T0) / 1000]);
  }
  assert.deepEqual(
    seen.map(([status]) => status),
    ['idle', 'moving', 'idle', 'parked'],
  );
  const idleSince = seen[2]![1];
  const parkedSince = seen[3]![1];
  assert.ok(idleSince > 3 && idleSince < 20, `idle since ${idleSince}`);
  assert.ok(
    parkedSince - idleSince >= THRESHOLDS.parkedAfterMs / 1000 - 8,
    `parked after ${parkedSince - idleSince}`,
  );
});

test('offline is what the presence timer set, not derived when read; any fix clears it', () => {
  const state = drive([fix(0, 0), fix(1, 10)]);
  assert.equal(viewStatus(state).status, 'moving', 'a read long after is still the last status');
  const offline = { ...state, offline: true };
  assert.equal(viewStatus(offline).status, 'offline');
  assert.equal(viewStatus(offline).statusSince.getTime(), T0 + 1000, 'since the last contact');
  assert.equal(advance(offline, fix(2, 20), new Date(T0 + 300_000)).state.offline, false);
  assert.equal(advance(offline, fix(1, 10), new Date(T0 + 300_000)).state.offline, false);
});

test('a glitch jump (2 km in 1 s) moves neither the live position nor the heading; it is flagged as a jump', () => {
  const before = drive([fix(0, 0), fix(1, 10), fix(2, 20)]);
  // East by 2 km, with a plausible device speed: the speed filter alone would let it through.
  const glitch = { ...fix(3, 30), lng: 11.97 + 2000 / 59_600, speed: 10, heading: 90 };
  const step = advance(before, glitch, new Date(T0 + 3000));
  assert.equal(step.kind, 'jump');
  assert.equal(step.state.lat, before.lat);
  assert.equal(step.state.lng, before.lng);
  assert.equal(step.state.heading, 0, 'heading not turned');
  assert.equal(step.state.time.getTime(), before.time.getTime());
  assert.equal(step.state.lastSeen.getTime(), T0 + 3000, 'still contact');
  // The next real fix continues from the real position at a sane speed.
  const next = advance(step.state, fix(4, 40), new Date(T0 + 4000));
  assert.equal(next.kind, 'advanced');
  const withoutGlitch = drive([fix(0, 0), fix(1, 10), fix(2, 20), fix(4, 40)]);
  assert.equal(next.state.speed, withoutGlitch.speed, 'as if the glitch never came');
  assert.equal(next.state.heading, 0);
});

test('a real relocation (two consistent fixes far away) is accepted, not held back forever', () => {
  const before = drive([fix(0, 0), fix(1, 10), fix(2, 20)]);
  const first = advance(before, fix(3, 5_000), new Date(T0 + 3000));
  assert.equal(first.kind, 'jump');
  const second = advance(first.state, fix(4, 5_010), new Date(T0 + 4000));
  assert.equal(second.kind, 'advanced', 'the second fix confirms the first');
  assert.equal(second.state.lat, fix(4, 5_010).lat);
  assert.ok(second.state.speed < 15, `speed ${second.state.speed}`);
});

test('GPS noise at a high fix rate is not mistaken for jumps', () => {
  // 10 Hz at 25 m/s with ±8 m of noise: up to ~40 m between fixes 0.1 s apart.
  let state: VehicleState | undefined;
  for (let i = 0; i < 200; i++) {
    const noise = (i % 2 === 0 ? 8 : -8) * ((i * 7919) % 3 === 0 ? 1 : 0.5);
    const f = { ...fix(i / 10, i * 2.5 + noise) };
    const step = advance(state, f, f.time);
    assert.notEqual(step.kind, 'jump', `fix ${i}`);
    state = step.state;
  }
});
