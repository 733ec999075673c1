import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basic, ownTracksLocation, ownTracksOthers } from '../../test/fixtures/device-requests.js';
import { decodeOwnTracks, type OwnTracksRequest } from './owntracks.js';

const T = Date.parse('2026-12-02T02:59:30Z');
const request = (over: Partial<OwnTracksRequest>): OwnTracksRequest => ({
  body: ownTracksLocation({ id: 'x', time: T, lat: 57.70887, lon: 11.97456, speedMps: 15 }),
  authorization: basic('alice', 'pw'),
  user: 'alice',
  device: 'phone',
  ...over,
});

test('a location: km/h become m/s, tst seconds a date, user/device from auth and X-Limit-D', () => {
  const decoded = decodeOwnTracks(request({}));
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.credentials, {
    deviceId: 'alice/phone',
    fallbackIds: ['alice'],
    secret: 'pw',
  });
  const fix = decoded.fixes[0]!;
  assert.equal(fix.time.toISOString(), '2026-12-02T02:59:30.000Z');
  assert.equal(fix.lat, 57.70887);
  assert.equal(fix.lng, 11.97456);
  assert.equal(fix.speed, 54 / 3.6, 'vel 54 km/h');
  assert.equal(fix.heading, 139);
  assert.equal(fix.accuracy, 5);
  assert.equal(fix.altitude, 12);
  assert.equal(fix.battery, 87);
});

test('without X-Limit-D the user alone is the device; without auth the user comes from X-Limit-U', () => {
  const noDevice = decodeOwnTracks(request({ device: undefined }));
  assert.ok(noDevice.ok);
  assert.deepEqual(noDevice.credentials, { deviceId: 'alice', secret: 'pw' });
  const noAuth = decodeOwnTracks(request({ authorization: undefined, device: undefined }));
  assert.ok(noAuth.ok);
  assert.deepEqual(noAuth.credentials, { deviceId: 'alice' }, 'no secret: the route answers 401');
});

test('other message types are acknowledged and ignored', () => {
  for (const body of Object.values(ownTracksOthers)) {
    const decoded = decodeOwnTracks(request({ body }));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.fixes, []);
    assert.deepEqual(decoded.ignored, ['not_a_location']);
  }
});

test('an array of messages keeps the locations, skips the rest', () => {
  const body = `[${ownTracksLocation({ id: 'x', time: T, lat: 1, lon: 2 })},${ownTracksOthers.lwt},${ownTracksLocation({ id: 'x', time: T - 60_000, lat: 1.1, lon: 2 })}]`;
  const decoded = decodeOwnTracks(request({ body }));
  assert.ok(decoded.ok);
  assert.equal(decoded.fixes.length, 2);
  assert.equal(decoded.ignored.length, 1);
});

test('bad input gets a stable reason', () => {
  const missingUser = decodeOwnTracks(request({ authorization: undefined, user: undefined }));
  assert.ok(!missingUser.ok && missingUser.problem.reason === 'missing_device');
  const malformed = decodeOwnTracks(request({ body: '{"_type":' }));
  assert.ok(!malformed.ok && malformed.problem.reason === 'malformed');
  const noTime = decodeOwnTracks(request({ body: '{"_type":"location","lat":1,"lon":2}' }));
  assert.ok(noTime.ok && noTime.problems[0]?.reason === 'bad_time');
  const badLat = decodeOwnTracks(
    request({ body: '{"_type":"location","lat":"x","lon":2,"tst":1796180327}' }),
  );
  assert.ok(badLat.ok && badLat.problems[0]?.reason === 'bad_coordinates');
});
