import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mongoDatabaseName } from './database-name.js';

test('the database named in MONGO_URL wins over MONGO_DATABASE', () => {
  assert.equal(mongoDatabaseName('mongodb://db.example:27017/fleet-a', 'fleetman'), 'fleet-a');
  assert.equal(
    mongoDatabaseName('mongodb://u:p%2Fw@h1:1,h2:2/fleet-b?replicaSet=rs0', 'x'),
    'fleet-b',
  );
  assert.equal(
    mongoDatabaseName('mongodb+srv://cluster.example/fleet%20c?tls=true', 'x'),
    'fleet c',
  );
});

test('MONGO_DATABASE applies when the URL names no database', () => {
  for (const url of [
    'mongodb://127.0.0.1:27017',
    'mongodb://127.0.0.1:27017/',
    'mongodb://127.0.0.1:27017/?directConnection=true',
    'mongodb://u:p@h1,h2',
  ])
    assert.equal(mongoDatabaseName(url, 'fleetman'), 'fleetman', url);
});
