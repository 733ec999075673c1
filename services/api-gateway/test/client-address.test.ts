import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractFetch } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';
import { startGateway, type TestGateway } from './support/gateway.js';

/** Spends the burst, then asks `count` times with an invented X-Forwarded-For each time. */
async function spoofAfterExhausting(
  gateway: TestGateway,
  realClient: Record<string, string>,
  spoofed: (index: number) => string,
  count = 40,
): Promise<number[]> {
  for (let i = 0; i < 3; i += 1)
    await (await contractFetch(`${gateway.url}/vehicles`, { headers: realClient })).arrayBuffer();
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await contractFetch(`${gateway.url}/vehicles`, {
      headers: { 'x-forwarded-for': spoofed(i) },
    });
    statuses.push(response.status);
    await response.arrayBuffer();
  }
  return statuses;
}

const limited = { RATE_LIMIT_RPS: '0.01', RATE_LIMIT_BURST: '3' };

describe('api-gateway client address (TRUSTED_PROXIES)', () => {
  it('reached directly (the default trusts no proxy), an invented X-Forwarded-For does not escape the limit', async () => {
    const tracker = await new FakeTracker().start();
    const gateway = await startGateway({ TRACKER_URL: tracker.url, ...limited });
    try {
      const statuses = await spoofAfterExhausting(gateway, {}, (i) => `203.0.113.${i + 1}`);
      assert.deepEqual(statuses, Array(40).fill(429));
    } finally {
      await gateway.stop();
      await tracker.stop();
    }
  });

  it('behind a trusted proxy, the client is the address the proxy added, not one the client sent', async () => {
    const tracker = await new FakeTracker().start();
    // The test process plays the proxy on 127.0.0.1: it appends the real client, as nginx would.
    const gateway = await startGateway({
      TRACKER_URL: tracker.url,
      TRUSTED_PROXIES: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...limited,
    });
    try {
      const real = '198.51.100.7';
      const statuses = await spoofAfterExhausting(
        gateway,
        { 'x-forwarded-for': real },
        (i) => `203.0.113.${i + 1}, ${real}`,
      );
      assert.deepEqual(statuses, Array(40).fill(429));
      const other = await contractFetch(`${gateway.url}/vehicles`, {
        headers: { 'x-forwarded-for': '198.51.100.8' },
      });
      assert.equal(other.status, 200, 'another real client has its own bucket');
      // The request log names the same client the limit used.
      const lines = gateway.logs.map(
        (line) => JSON.parse(line) as { msg: string; client?: string; status?: number },
      );
      const requests = lines.filter((line) => line.msg === 'request');
      assert.ok(requests.some((line) => line.client === real && line.status === 429));
      assert.ok(requests.some((line) => line.client === '198.51.100.8' && line.status === 200));
      assert.ok(!requests.some((line) => line.client?.startsWith('203.0.113.')));
    } finally {
      await gateway.stop();
      await tracker.stop();
    }
  });

  it('refuses a malformed TRUSTED_PROXIES at start with one line naming it', async () => {
    await assert.rejects(
      startGateway({ TRUSTED_PROXIES: '10.0.0.0/8,nginx' }),
      /^ConfigError: TRUSTED_PROXIES: must be IP addresses or CIDR ranges separated by commas, got "nginx"$/m,
    );
  });
});
