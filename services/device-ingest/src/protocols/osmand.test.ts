import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  osmAndForm,
  osmAndQuery,
  sdkJsonArray,
  traccarClientJson,
  basic,
} from '../../test/fixtures/device-requests.js';
import { KNOTS_TO_MPS, type Decoded } from './device-fix.js';
import { decodeOsmAnd, osmAndTime, type OsmAndRequest } from './osmand.js';

const receivedAt = new Date('2026-12-02T03:00:00Z');
const T = Date.parse('2026-12-02T02:59:30Z');

const request = (over: Partial<OsmAndRequest>): OsmAndRequest => ({
  method: 'POST',
  querystring: '',
  contentType: undefined,
  body: '',
  authorization: undefined,
  receivedAt,
  ...over,
});

function accepted(decoded: Decoded) {
  assert.ok(decoded.ok, `expected a decoded request, got ${JSON.stringify(decoded)}`);
  return decoded;
}

test('query string (OsmAnd, Traccar Client <= 8): knots become m/s, seconds become a date', () => {
  const decoded = accepted(
    decodeOsmAnd(
      request({
        querystring: osmAndQuery(
          {
            id: '48213377',
            time: T,
            lat: 57.70887,
            lon: 11.97456,
            speedMps: 10,
            heading: 139.1,
            altitude: 12,
            accuracy: 4.5,
            battery: 87,
          },
          's3cret',
        ),
      }),
    ),
  );
  assert.deepEqual(decoded.credentials, { deviceId: '48213377', secret: 's3cret' });
  assert.equal(decoded.fixes.length, 1);
  const fix = decoded.fixes[0]!;
  assert.equal(fix.time.toISOString(), '2026-12-02T02:59:30.000Z');
  assert.equal(fix.lat, 57.70887);
  assert.equal(fix.lng, 11.97456);
  assert.ok(Math.abs(fix.speed! - 10) < 0.01, `speed ${fix.speed}`);
  assert.equal(fix.heading, 139.1);
  assert.equal(fix.accuracy, 4.5);
  assert.equal(fix.altitude, 12);
  assert.equal(fix.battery, 87);
});

test('the shapes of Traccar decoder tests: ISO, milliseconds, local time with +, location=, deviceid', () => {
  const cases: Array<[string, string]> = [
    [
      'id=902064&lat=42.06288&lon=-88.23412&timestamp=2026-12-02T02%3A58%3A47Z&hdop=6.0&altitude=224.0&speed=0.0',
      '2026-12-02T02:58:47.000Z',
    ],
    [
      'id=902064&lat=42.06288&lon=-88.23412&timestamp=1796180327579&hdop=6.0&altitude=224.0&speed=0.0',
      '2026-12-02T02:58:47.579Z',
    ],
    [
      'lat=49.60688&lon=6.15788&timestamp=2026-12-02+02%3A58%3A47&altitude=384.7&speed=0.0&id=353861053849681',
      '2026-12-02T02:58:47.000Z',
    ],
    ['id=123456&timestamp=1796180327&location=60.0,30.0', '2026-12-02T02:58:47.000Z'],
    [
      'lat=60.0&lon=30.0&speed=0.0&heading=0.0&vacc=0&hacc=0&altitude=0&deviceid=123456',
      receivedAt.toISOString(),
    ],
  ];
  for (const [querystring, time] of cases) {
    const decoded = accepted(decodeOsmAnd(request({ method: 'GET', querystring })));
    assert.equal(decoded.fixes.length, 1, querystring);
    assert.equal(decoded.fixes[0]!.time.toISOString(), time, querystring);
  }
});

test('unknown extra fields (ignition, rpm, fuel, cell, wifi) are ignored', () => {
  const decoded = accepted(
    decodeOsmAnd(
      request({
        querystring:
          'id=123456789012345&timestamp=1796180327&lat=40.7232948571&lon=-74.0061408571&bearing=7.19889788244&speed=40&ignition=true&rpm=933&fuel=24&cell=257,02,16,2224&wifi=00-14-22-01-23-45,-80',
      }),
    ),
  );
  assert.ok(Math.abs(decoded.fixes[0]!.speed! - 40 * KNOTS_TO_MPS) < 1e-9);
});

test('form body (Traccar Client SDK) merged with the server URL query that carries the token', () => {
  const decoded = accepted(
    decodeOsmAnd(
      request({
        querystring: 'token=from-url',
        contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
        body: osmAndForm({ id: 'phone-7', time: T, lat: 57.7, lon: 11.97, speedMps: 5 }),
      }),
    ),
  );
  assert.deepEqual(decoded.credentials, { deviceId: 'phone-7', secret: 'from-url' });
  assert.ok(Math.abs(decoded.fixes[0]!.speed! - 5) < 0.01);
});

test('the secret may come from Authorization: Bearer or Basic instead of a parameter', () => {
  const query = osmAndQuery({ id: 'p1', time: T, lat: 1, lon: 2 });
  const bearer = accepted(
    decodeOsmAnd(request({ querystring: query, authorization: 'Bearer tk' })),
  );
  assert.equal(bearer.credentials.secret, 'tk');
  const basicAuth = accepted(
    decodeOsmAnd(request({ querystring: query, authorization: basic('p1', 'pw') })),
  );
  assert.equal(basicAuth.credentials.secret, 'pw');
});

test('Traccar Client 9 JSON: m/s kept, -1 heading dropped, battery level 0-1 becomes %', () => {
  const body = traccarClientJson('8737767034', [
    { id: '8737767034', time: T, lat: -6.1148096, lon: 106.6837015, speedMps: 18.67, battery: 79 },
  ]);
  const decoded = accepted(
    decodeOsmAnd(
      request({ querystring: 'token=abc', contentType: 'application/json; charset=utf-8', body }),
    ),
  );
  assert.deepEqual(decoded.credentials, { deviceId: '8737767034', secret: 'abc' });
  const fix = decoded.fixes[0]!;
  assert.equal(fix.speed, 18.67);
  assert.equal(fix.heading, undefined, 'heading -1 means unknown');
  assert.equal(fix.battery, 79);
  assert.equal(fix.altitude, 35.7);
  assert.equal(fix.time.toISOString(), new Date(T).toISOString());
});

test('Traccar Client 9 batch (location is an array) keeps every fix, out of order as sent', () => {
  const fixes = [3, 1, 2].map((s) => ({
    id: 'b',
    time: T - s * 1000,
    lat: 57.7 + s / 1000,
    lon: 11.9,
  }));
  const decoded = accepted(
    decodeOsmAnd(request({ contentType: 'application/json', body: traccarClientJson('b', fixes) })),
  );
  assert.deepEqual(
    decoded.fixes.map((f) => f.time.getTime()),
    fixes.map((f) => f.time),
  );
});

test('a location without coords (heartbeat) is ignored, not refused', () => {
  const body = JSON.stringify({
    location: { timestamp: new Date(T).toISOString(), event: 'heartbeat', is_moving: false },
    device_id: 'hb',
  });
  const decoded = accepted(decodeOsmAnd(request({ contentType: 'application/json', body })));
  assert.deepEqual(decoded.fixes, []);
  assert.deepEqual(decoded.ignored, ['no_position']);
});

test('SDK JSON array of flat objects: knots and seconds, one device', () => {
  const body = sdkJsonArray([
    { id: 'sdk', time: T, lat: 1, lon: 2, speedMps: 10 },
    { id: 'sdk', time: T - 5000, lat: 1.001, lon: 2, speedMps: 0 },
  ]);
  const decoded = accepted(decodeOsmAnd(request({ contentType: 'application/json', body })));
  assert.equal(decoded.credentials.deviceId, 'sdk');
  assert.equal(decoded.fixes.length, 2);
  assert.ok(Math.abs(decoded.fixes[0]!.speed! - 10) < 0.01);
  const mixed = sdkJsonArray([
    { id: 'a', time: T, lat: 1, lon: 2 },
    { id: 'b', time: T, lat: 1, lon: 2 },
  ]);
  const refused = decodeOsmAnd(request({ contentType: 'application/json', body: mixed }));
  assert.ok(!refused.ok && refused.problem.reason === 'mixed_devices');
});

test('bad input gets a stable reason', () => {
  const reason = (over: Partial<OsmAndRequest>) => {
    const decoded = decodeOsmAnd(request(over));
    return decoded.ok ? 'accepted' : decoded.problem.reason;
  };
  assert.equal(reason({ querystring: 'timestamp=1796180327&lat=60.0&lon=30.0' }), 'missing_device');
  assert.equal(reason({ querystring: 'id=a&lat=north&lon=30' }), 'bad_coordinates');
  assert.equal(reason({ querystring: 'id=a&lat=91&lon=30' }), 'bad_coordinates');
  assert.equal(reason({ querystring: 'id=a&lat=1' }), 'bad_coordinates');
  assert.equal(reason({ querystring: 'id=a&lat=1&lon=2&timestamp=yesterday' }), 'bad_time');
  assert.equal(
    reason({ querystring: 'id=a&lat=1&lon=2&timestamp=2026-02-31T00:00:00Z' }),
    'bad_time',
  );
  assert.equal(reason({ querystring: 'id=a&lat=1&lon=2&speed=500' }), 'bad_field');
  assert.equal(reason({ querystring: 'id=a&lat=1&lon=2&accuracy=x' }), 'bad_field');
  assert.equal(reason({ contentType: 'application/json', body: '{"location":' }), 'malformed');
  assert.equal(reason({ contentType: 'application/json', body: '"text"' }), 'unknown_shape');
  assert.equal(
    reason({ contentType: 'application/json', body: '{"location":{"coords":{}}}' }),
    'missing_device',
  );
});

test('one bad fix in a batch is refused alone; the rest is kept', () => {
  const body = JSON.stringify({
    device_id: 'b',
    location: [
      { timestamp: new Date(T).toISOString(), coords: { latitude: 1, longitude: 2 } },
      { timestamp: 'not a time', coords: { latitude: 1, longitude: 2 } },
      { timestamp: new Date(T).toISOString(), coords: { latitude: 100, longitude: 2 } },
    ],
  });
  const decoded = accepted(decodeOsmAnd(request({ contentType: 'application/json', body })));
  assert.equal(decoded.fixes.length, 1);
  assert.deepEqual(
    decoded.problems.map((p) => p.reason),
    ['bad_time', 'bad_coordinates'],
  );
});

test('osmAndTime: seconds below 2^31, milliseconds above, ISO without zone is UTC', () => {
  assert.equal(osmAndTime('2147483646', receivedAt)!.getTime(), 2147483646 * 1000);
  assert.equal(osmAndTime('2147483648', receivedAt)!.getTime(), 2147483648);
  assert.equal(
    osmAndTime('2026-12-02T01:02:03', receivedAt)!.toISOString(),
    '2026-12-02T01:02:03.000Z',
  );
  assert.equal(
    osmAndTime('2026-12-02T03:02:03+02:00', receivedAt)!.toISOString(),
    '2026-12-02T01:02:03.000Z',
  );
  assert.equal(osmAndTime(undefined, receivedAt), receivedAt);
  assert.equal(osmAndTime('-5', receivedAt), undefined);
});
