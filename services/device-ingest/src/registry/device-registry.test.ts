import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceRegistry } from './device-registry.js';
import { MemoryDeviceStore } from './device-store.js';
import { hashSecret, verifySecret } from './secrets.js';

function setup() {
  let now = Date.parse('2026-12-02T03:00:00Z');
  const store = new MemoryDeviceStore();
  const registry = new DeviceRegistry({ store, cacheMs: 30_000, now: () => now });
  return { store, registry, advance: (ms: number) => (now += ms) };
}

test('secrets are stored as salted scrypt hashes and verified in constant time', async () => {
  const a = await hashSecret('correct horse');
  const b = await hashSecret('correct horse');
  assert.notEqual(a, b, 'salted');
  assert.match(a, /^scrypt:16384:8:1:/);
  assert.ok(!a.includes('correct horse'));
  assert.equal(await verifySecret('correct horse', a), true);
  assert.equal(await verifySecret('wrong', a), false);
  assert.equal(await verifySecret('correct horse', 'garbage'), false);
});

test('register → authenticate; unknown, missing and wrong secrets are told apart', async () => {
  const { registry, store } = setup();
  const { device, secret } = await registry.register({ id: 'phone-1', vehicle: 'van-1' });
  assert.equal(device.vehicle, 'van-1');
  assert.equal(device.name, 'van-1');
  assert.equal(secret.length, 32);
  assert.ok(!JSON.stringify(await store.list()).includes(secret), 'the secret is not stored');
  assert.ok((await registry.authenticate({ deviceId: 'phone-1', secret })).ok);
  assert.deepEqual(await registry.authenticate({ deviceId: 'phone-1', secret: 'nope' }), {
    ok: false,
    reason: 'bad_secret',
  });
  assert.deepEqual(await registry.authenticate({ deviceId: 'phone-1' }), {
    ok: false,
    reason: 'missing_secret',
  });
  assert.deepEqual(await registry.authenticate({ deviceId: 'ghost', secret }), {
    ok: false,
    reason: 'unknown_device',
  });
  await assert.rejects(registry.register({ id: 'phone-1' }), { code: 'device_exists' });
});

test('rotate invalidates the old secret; revoke refuses the device at once on this replica', async () => {
  const { registry } = setup();
  const first = await registry.register({ id: 'p', vehicle: 'v' });
  assert.ok((await registry.authenticate({ deviceId: 'p', secret: first.secret })).ok);
  const rotated = await registry.rotate('p');
  assert.notEqual(rotated.secret, first.secret);
  assert.deepEqual(await registry.authenticate({ deviceId: 'p', secret: first.secret }), {
    ok: false,
    reason: 'bad_secret',
  });
  assert.ok((await registry.authenticate({ deviceId: 'p', secret: rotated.secret })).ok);
  assert.equal((await registry.revoke('p')).status, 'revoked');
  assert.equal((await registry.revoke('p')).status, 'revoked', 'idempotent');
  assert.deepEqual(await registry.authenticate({ deviceId: 'p', secret: rotated.secret }), {
    ok: false,
    reason: 'revoked',
  });
  await assert.rejects(registry.rotate('p'), { code: 'device_revoked' });
  await assert.rejects(registry.rotate('nobody'), { code: 'device_not_found' });
  const again = await registry.register({ id: 'p', vehicle: 'v2' });
  assert.ok((await registry.authenticate({ deviceId: 'p', secret: again.secret })).ok);
});

test('a change made by another replica is seen once the cache period is over', async () => {
  const { registry, store, advance } = setup();
  const { secret } = await registry.register({ id: 'p', vehicle: 'v' });
  assert.ok((await registry.authenticate({ deviceId: 'p', secret })).ok);
  const other = new DeviceRegistry({ store, cacheMs: 30_000 });
  await other.revoke('p');
  assert.ok((await registry.authenticate({ deviceId: 'p', secret })).ok, 'still cached');
  advance(30_000);
  assert.deepEqual(await registry.authenticate({ deviceId: 'p', secret }), {
    ok: false,
    reason: 'revoked',
  });
});

test('OwnTracks: user/device first, then the user alone', async () => {
  const { registry } = setup();
  const { secret } = await registry.register({ id: 'alice', vehicle: 'car-a' });
  const result = await registry.authenticate({
    deviceId: 'alice/phone',
    fallbackIds: ['alice'],
    secret,
  });
  assert.ok(result.ok && result.device.vehicle === 'car-a');
});
