import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodePosition,
  MAX_MESSAGE_BYTES,
  parsePositionMessage,
  type ParseResult,
} from './position-message.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const parse = (value: unknown): ParseResult =>
  parsePositionMessage(Buffer.from(JSON.stringify(value)), NOW);
const good = {
  v: 1,
  vehicle: 'truck-1',
  name: 'Truck 1',
  lat: 57.7,
  lng: 11.97,
  time: '2026-01-01T11:59:00.000Z',
};
const reasonOf = (result: ParseResult): string => (result.ok ? 'ok' : result.reason);

test('our v1 message round-trips through encode and parse', () => {
  const fix = {
    vehicle: 'truck-1',
    name: 'Truck 1',
    lat: 57.7,
    lng: 11.97,
    time: new Date(NOW - 1000),
    speed: 12.5,
    heading: 90,
  };
  const result = parsePositionMessage(encodePosition(fix), NOW);
  assert.ok(result.ok);
  assert.deepEqual(result.fix, fix);
  assert.equal(result.format, 'v1');
});

test('the original Fleetman map message is accepted', () => {
  const result = parse({
    vehicle: 'City Truck',
    lat: '53.6462',
    long: '-1.7793',
    time: '2026-01-01T11:58:00.123+0000',
  });
  assert.ok(result.ok);
  assert.equal(result.format, 'legacy');
  assert.deepEqual(result.fix, {
    vehicle: 'City Truck',
    name: 'City Truck',
    lat: 53.6462,
    lng: -1.7793,
    time: new Date('2026-01-01T11:58:00.123Z'),
  });
});

test('each kind of bad input is rejected with its own reason', () => {
  const cases: Array<[string, ParseResult]> = [
    ['malformed', parsePositionMessage(Buffer.from('{"vehicle":'), NOW)],
    ['oversized', parsePositionMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 32), NOW)],
    ['unknown_shape', parse([1, 2])],
    ['unknown_shape', parse({ hello: 'world' })],
    ['unsupported_version', parse({ ...good, v: 2 })],
    ['bad_vehicle', parse({ ...good, vehicle: '' })],
    ['bad_vehicle', parse({ ...good, vehicle: 'a/b' })],
    ['bad_coordinates', parse({ ...good, lat: 91 })],
    ['bad_coordinates', parse({ ...good, lng: '11.9' })],
    ['bad_coordinates', parse({ ...good, lat: null })],
    ['bad_time', parse({ ...good, time: 'yesterday' })],
    ['bad_time', parse({ ...good, time: '2026-01-01T11:00:00' })],
    ['bad_time', parse({ ...good, time: '2026-02-31T11:00:00Z' })],
    ['absurd_time', parse({ ...good, time: '2026-01-01T13:00:00Z' })],
    ['absurd_time', parse({ ...good, time: '1999-12-31T23:59:59Z' })],
    ['bad_field', parse({ ...good, speed: -1 })],
    ['bad_field', parse({ ...good, heading: 'north' })],
    ['bad_field', parse({ ...good, name: 42 })],
    ['unknown_shape', parse({ vehicle: 'x', lat: 1, long: 2, time: 't' })],
    [
      'bad_coordinates',
      parse({ vehicle: 'x', lat: 'abc', long: '2', time: '2026-01-01T11:58:00.123+0000' }),
    ],
  ];
  for (const [expected, result] of cases)
    assert.equal(reasonOf(result), expected, JSON.stringify(result));
});

test('a fix a few minutes in the future (clock skew) is accepted, heading 360 wraps to 0', () => {
  const result = parse({ ...good, time: '2026-01-01T12:04:00Z', heading: 360 });
  assert.ok(result.ok);
  assert.equal(result.fix.heading, 0);
  assert.equal(result.fix.name, 'Truck 1');
});
