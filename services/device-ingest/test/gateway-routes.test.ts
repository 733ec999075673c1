/**
 * The registry's admin routes through the real api-gateway in front of a real device-ingest:
 * request ids, rate limits, JSON errors, 503/504 when the ingest cannot answer, and every answer
 * checked against openapi.yaml (contractFetch).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistry, loadConfig } from '@fleetman/service-kit';
import { contractFetch } from '@fleetman/service-kit/testing';
import { gatewayConfigSchema, startApiGateway, type RunningGateway } from '@fleetman/api-gateway';
import { osmAndQuery } from './fixtures/device-requests.js';
import { logger, startIngestHarness, type IngestHarness } from './support/ingest-harness.js';

async function gateway(env: Record<string, string>): Promise<RunningGateway> {
  const config = loadConfig(gatewayConfigSchema, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    TRACKER_URL: 'http://127.0.0.1:1',
    RATE_LIMIT_RPS: '1000',
    RATE_LIMIT_BURST: '1000',
    ...env,
  });
  return startApiGateway({ config, logger, registry: createRegistry() });
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('device registry through the api-gateway', () => {
  let ingest: IngestHarness;
  let gw: RunningGateway;
  let api: string;

  before(async () => {
    ingest = await startIngestHarness();
    gw = await gateway({ INGEST_URL: ingest.adminUrl });
    api = gw.server.url;
  });
  after(async () => {
    await gw?.stop();
    await ingest?.stop();
  });

  test('register, list, get, rotate, revoke: the secret works on the devices port, then stops', async () => {
    const created = await contractFetch(`${api}/devices`, {
      ...json({ id: 'gw-phone', vehicle: 'gw-van', name: 'Gateway Van' }),
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-register-1' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('x-request-id'), 'req-register-1');
    assert.equal(created.headers.get('location'), '/devices/gw-phone');
    const { secret, device } = (await created.json()) as {
      secret: string;
      device: { vehicle: string; status: string };
    };
    assert.deepEqual([device.vehicle, device.status], ['gw-van', 'active']);
    const fix = (token: string) =>
      fetch(
        `${ingest.url}/?${osmAndQuery({ id: 'gw-phone', time: Date.now() - 1000, lat: 1, lon: 2 }, token)}`,
      );
    assert.equal((await fix(secret)).status, 200);

    const list = await contractFetch(`${api}/devices`);
    assert.ok(((await list.json()) as Array<{ id: string }>).some((d) => d.id === 'gw-phone'));
    assert.equal((await contractFetch(`${api}/devices/gw-phone`)).status, 200);

    const rotated = await contractFetch(`${api}/devices/gw-phone/rotate`, { method: 'POST' });
    assert.equal(rotated.status, 200);
    const fresh = ((await rotated.json()) as { secret: string }).secret;
    assert.equal((await fix(secret)).status, 401);
    assert.equal((await fix(fresh)).status, 200);

    const revoked = await contractFetch(`${api}/devices/gw-phone/revoke`, { method: 'POST' });
    assert.equal(((await revoked.json()) as { status: string }).status, 'revoked');
    assert.equal((await fix(fresh)).status, 400, 'a revoked id is refused as unknown');
  });

  test('an OwnTracks id with a slash travels percent-encoded through the gateway', async () => {
    const created = await contractFetch(
      `${api}/devices`,
      json({ id: 'carol/pixel', vehicle: 'gw-car' }),
    );
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/devices/carol%2Fpixel');
    const one = await contractFetch(`${api}/devices/carol%2Fpixel`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { id: string }).id, 'carol/pixel');
  });

  test("the ingest's JSON errors pass through; the gateway's own checks answer first", async () => {
    const missing = await contractFetch(`${api}/devices/nobody`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'device_not_found');
    const badBody = await contractFetch(`${api}/devices`, json({ id: 'x', extra: true }));
    assert.equal(badBody.status, 400);
    const notJson = await contractFetch(`${api}/devices`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'id=x',
    });
    assert.equal(notJson.status, 415);
    const badId = await contractFetch(`${api}/devices/${'x'.repeat(65)}`);
    assert.equal(badId.status, 400, 'path parameter checked by the gateway');
    const wrongMethod = await fetch(`${api}/devices/x`, { method: 'DELETE' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(((await wrongMethod.json()) as { error: string }).error, 'method_not_allowed');
  });

  test('rate limited like every API route', async () => {
    const limited = await gateway({
      INGEST_URL: ingest.adminUrl,
      RATE_LIMIT_RPS: '0.01',
      RATE_LIMIT_BURST: '2',
    });
    try {
      const url = `${limited.server.url}/devices`;
      assert.equal((await contractFetch(url)).status, 200);
      assert.equal((await contractFetch(url)).status, 200);
      const refused = await contractFetch(url, json({ id: 'rl' }));
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    } finally {
      await limited.stop();
    }
  });

  test('503 ingest_unavailable when nothing listens, 504 ingest_timeout when it does not answer', async () => {
    const down = await gateway({ INGEST_URL: 'http://127.0.0.1:1' });
    const hanging = http.createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slow = await gateway({
      INGEST_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
      INGEST_TIMEOUT: '200ms',
    });
    try {
      const unavailable = await contractFetch(`${down.server.url}/devices`);
      assert.equal(unavailable.status, 503);
      assert.equal(((await unavailable.json()) as { error: string }).error, 'ingest_unavailable');
      const timeout = await contractFetch(`${slow.server.url}/devices`, json({ id: 'slow-one' }));
      assert.equal(timeout.status, 504);
      assert.equal(((await timeout.json()) as { error: string }).error, 'ingest_timeout');
    } finally {
      await down.stop();
      await slow.stop();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
