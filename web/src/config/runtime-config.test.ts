import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, mergeConfig } from './runtime-config.js';

test('keeps defaults for missing or ill-typed fields', () => {
  assert.deepEqual(mergeConfig(null), DEFAULT_CONFIG);
  assert.deepEqual(mergeConfig({ tileUrl: 42, center: [1] }), DEFAULT_CONFIG);
});

test('takes the tile URL and strips a trailing slash from the API base', () => {
  const config = mergeConfig({
    apiBase: '/fleet/api/',
    tileUrl: 'https://t/{z}/{x}/{y}.png',
    center: [1, 2],
  });
  assert.equal(config.apiBase, '/fleet/api');
  assert.equal(config.tileUrl, 'https://t/{z}/{x}/{y}.png');
  assert.deepEqual(config.center, [1, 2]);
});
