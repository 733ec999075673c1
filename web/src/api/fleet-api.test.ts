import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetApi } from './fleet-api.js';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test('history leaves out fixes the tracker flagged as glitch jumps (no spikes in trails or trips)', async () => {
  const points = [
    { lat: 1, lng: 1, time: '2026-01-01T00:00:00Z', speed: 5 },
    { lat: 9, lng: 9, time: '2026-01-01T00:00:01Z', flags: ['jump'] },
    { lat: 1.0001, lng: 1, time: '2026-01-01T00:00:02Z', speed: 5 },
  ];
  globalThis.fetch = async () => Response.json(points);
  const history = await new FleetApi('/api').history('v', {
    from: new Date('2026-01-01T00:00:00Z'),
    to: new Date('2026-01-01T01:00:00Z'),
  });
  assert.deepEqual(
    history.map((p) => p.lat),
    [1, 1.0001],
  );
});
