/**
 * What FerretDB cannot show: behaviour that needs a real MongoDB server (TTL indexes). Runs in
 * the GitHub workflow against a `mongo:8.0` service container (.github/workflows/ci.yaml):
 *   TEST_REAL_MONGO_URL=mongodb://127.0.0.1:27017 bash scripts/test/run-tests.sh files services/position-tracker/test-mongodb/*.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { createLogger } from '@fleetman/service-kit';
import { MongoStore } from '../src/service.js';

const url = process.env.TEST_REAL_MONGO_URL;
if (!url)
  throw new Error(
    'TEST_REAL_MONGO_URL is not set: this suite needs a real MongoDB (see .github/workflows/ci.yaml)',
  );
const database = `fleetman_ttl_${Date.now().toString(36)}`;
const logger = createLogger({ service: 'mongodb-test', level: 'silent' });
const client = new MongoClient(url);

before(() => client.connect());
after(async () => {
  await client.db(database).dropDatabase();
  await client.close();
});

test('retention "auto" picks a TTL index on a real MongoDB and keeps it in step with the setting', async () => {
  const store = new MongoStore({
    url,
    database,
    retention: 'auto',
    retentionMs: 7 * 86_400_000,
    logger,
  });
  await store.init();
  assert.equal(store.retention, 'ttl');
  const ttl = async () =>
    (await client.db(database).collection('positions').indexes()).find(
      (index) => index.name === 'retention',
    );
  assert.equal((await ttl())?.expireAfterSeconds, 7 * 86_400);
  assert.equal(await store.sweep(new Date()), 0, 'the server expires documents itself');
  await store.close();

  // A changed retention updates the existing index in place (collMod), no drop and rebuild.
  const shorter = new MongoStore({
    url,
    database,
    retention: 'auto',
    retentionMs: 86_400_000,
    logger,
  });
  await shorter.init();
  assert.equal((await ttl())?.expireAfterSeconds, 86_400);
  await shorter.close();
});

test('the TTL monitor really deletes expired history', { timeout: 150_000 }, async () => {
  const store = new MongoStore({
    url,
    database: `${database}_expiry`,
    retention: 'ttl',
    retentionMs: 1_000,
    logger,
  });
  await store.init();
  const old = new Date(Date.now() - 3_600_000);
  await store.insertPositions([
    { vehicle: 'ttl', name: 'TTL', lat: 57.7, lng: 11.97, time: old, receivedAt: new Date() },
  ]);
  // The TTL monitor runs every 60 s.
  const deadline = Date.now() + 140_000;
  while ((await store.history('ttl', { limit: 10 })).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  assert.equal((await store.history('ttl', { limit: 10 })).length, 0);
  await store.close();
  await client.db(`${database}_expiry`).dropDatabase();
});
