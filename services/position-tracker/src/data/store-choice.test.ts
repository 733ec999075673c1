import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, loadConfig } from '@fleetman/service-kit';
import { trackerConfigSchema } from '../config.js';
import { createStore } from '../service.js';
import { MongoStore } from './mongo-store.js';

const logger = createLogger({ service: 'test', level: 'silent' });

function storeFor(env: Record<string, string>) {
  return createStore(loadConfig(trackerConfigSchema, env), logger);
}

test('the database MONGO_URL names is the one used, whatever MONGO_DATABASE says', () => {
  const store = storeFor({ MONGO_URL: 'mongodb://127.0.0.1:9/fleet-a', MONGO_DATABASE: 'other' });
  assert.ok(store instanceof MongoStore);
  assert.equal(store.databaseName, 'fleet-a');
});

test('MONGO_DATABASE (default fleetman) when the URL names none', () => {
  assert.equal(
    (storeFor({ MONGO_URL: 'mongodb://127.0.0.1:9' }) as MongoStore).databaseName,
    'fleetman',
  );
  const named = storeFor({ MONGO_URL: 'mongodb://127.0.0.1:9/', MONGO_DATABASE: 'fleet-b' });
  assert.equal((named as MongoStore).databaseName, 'fleet-b');
});
