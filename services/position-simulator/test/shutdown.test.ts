import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeShutdown, startServiceProcess } from '@fleetman/service-kit/testing';

test('SIGTERM: /readyz answers 503 (shutdown) during the drain, then the process exits 0', async () => {
  const simulator = await startServiceProcess(new URL('../src/main.ts', import.meta.url), {
    SHUTDOWN_DRAIN: '3s',
    VEHICLES: '3',
  });
  const seen = await observeShutdown(simulator);
  assert.equal(seen.readinessDuringDrain, 503);
  assert.equal(seen.checks?.shutdown, false);
  assert.equal(seen.exitCode, 0);
});
