import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { observeShutdown, startServiceProcess } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';

let tracker: FakeTracker;
before(async () => {
  tracker = await new FakeTracker().start();
});
after(() => tracker.stop());

test('SIGTERM: /readyz answers 503 (shutdown) during the drain, then the process exits 0', async () => {
  const gateway = await startServiceProcess(new URL('../src/main.ts', import.meta.url), {
    SHUTDOWN_DRAIN: '3s',
    TRACKER_URL: tracker.url,
  });
  const seen = await observeShutdown(gateway);
  assert.equal(seen.readinessDuringDrain, 503);
  assert.equal(seen.checks?.shutdown, false);
  assert.equal(seen.exitCode, 0);
});
