import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observeShutdown, startServiceProcess } from '@fleetman/service-kit/testing';

test('SIGTERM: /readyz answers 503 (shutdown) during the drain, then the process exits 0', async () => {
  // In-process broker and in-memory registry: the lifecycle is what is under test.
  const ingest = await startServiceProcess(new URL('../src/main.ts', import.meta.url), {
    SHUTDOWN_DRAIN: '3s',
    ADMIN_PORT: '0',
    BROKER_URL: '',
    MONGO_URL: '',
  });
  const seen = await observeShutdown(ingest);
  assert.equal(seen.readinessDuringDrain, 503);
  assert.equal(seen.checks?.shutdown, false);
  assert.equal(seen.exitCode, 0);
});
