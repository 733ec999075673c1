/**
 * The client address through real nginx (our template) in front of the real gateway: a client
 * that invents an X-Forwarded-For after spending its rate limit still gets 429, because nginx
 * sends the address it saw instead of appending to the client's header, and the gateway believes
 * the header only from its trusted proxy (the direct case is in the gateway's own suite). And
 * both send the same security headers, read from one file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, WEB_DIST, type Backend } from '../support/backend.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';

const fake = process.env.E2E_BACKEND === 'fake';

describe('client address through nginx', { skip: fake && 'needs the real gateway' }, () => {
  let backend: Backend;
  let nginx: RunningNginx;
  before(async () => {
    backend = await startBackend({
      vehicles: 2,
      // nginx runs on loopback here, so loopback is the trusted proxy.
      env: { RATE_LIMIT_RPS: '0.01', RATE_LIMIT_BURST: '3', TRUSTED_PROXIES: '127.0.0.1' },
    });
    nginx = await startNginx({ webRoot: WEB_DIST, apiUpstream: `${backend.url}api` });
  });
  after(async () => {
    await nginx?.stop();
    await backend?.stop();
  });

  it('a spoofed X-Forwarded-For after the limit is exhausted gets 429, 40 of 40', async () => {
    for (let i = 0; i < 3; i += 1) await (await fetch(`${nginx.url}api/vehicles`)).arrayBuffer();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(`${nginx.url}api/vehicles`, {
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      });
      statuses.push(response.status);
      if (response.status === 429) {
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(((await response.json()) as { error: string }).error, 'rate_limited');
      } else await response.arrayBuffer();
    }
    assert.deepEqual(statuses, Array(40).fill(429));
  });

  it('nginx and the local gateway send the same security headers (one list, web/nginx)', async () => {
    const names = [
      'content-security-policy',
      'x-content-type-options',
      'referrer-policy',
      'x-frame-options',
      'permissions-policy',
    ];
    for (const path of ['', 'map/v1', 'api/nope']) {
      const [viaNginx, direct] = await Promise.all(
        [nginx.url, backend.url].map((base) => fetch(`${base}${path}`)),
      );
      for (const name of names) {
        assert.ok(viaNginx!.headers.get(name), `nginx sends ${name} on /${path}`);
        assert.equal(direct!.headers.get(name), viaNginx!.headers.get(name), `${name} on /${path}`);
      }
      await Promise.all([viaNginx!.arrayBuffer(), direct!.arrayBuffer()]);
    }
  });
});
