/**
 * AUTH=oidc on the real gateway with a locally generated signing key served as a JWKS over
 * HTTP on loopback (what Dex or Cognito publish): anonymous, forged, expired and misaddressed
 * tokens are refused with 401, a viewer reads and streams but cannot write (403), a dispatcher
 * can, health and metrics stay open for probes and Prometheus.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { contractFetch } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';
import { startGateway, type TestGateway } from './support/gateway.js';

interface Issuer {
  url: string;
  sign(
    claims: Record<string, unknown>,
    options?: {
      key?: CryptoKey;
      kid?: string;
      expiresIn?: string;
      audience?: string;
      issuer?: string;
    },
  ): Promise<string>;
  stop(): Promise<void>;
}

async function startIssuer(): Promise<Issuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = http.createServer((request, response) => {
    if (request.url !== '/keys') return void response.writeHead(404).end();
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'test-key' })
        .setIssuer(options.issuer ?? url)
        .setAudience(options.audience ?? 'fleetman')
        .setSubject(String(claims.sub ?? 'user-1'))
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? privateKey),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('api-gateway with AUTH=oidc', () => {
  let issuer: Issuer;
  let tracker: FakeTracker;
  let gateway: TestGateway;
  let viewer: string;
  let dispatcher: string;

  before(async () => {
    issuer = await startIssuer();
    tracker = await new FakeTracker().start();
    tracker.emit('v1');
    gateway = await startGateway({
      TRACKER_URL: tracker.url,
      INGEST_URL: 'http://127.0.0.1:9', // nothing listens: the registry routes answer 503 past the role check
      AUTH: 'oidc',
      AUTH_ISSUER: issuer.url,
      AUTH_AUDIENCE: 'fleetman',
      AUTH_JWKS_URL: `${issuer.url}/keys`,
      LOG_LEVEL: 'info',
    });
    viewer = await issuer.sign({ sub: 'vera', groups: ['fleetman-viewers'] });
    dispatcher = await issuer.sign({ sub: 'dan', groups: ['fleetman-dispatchers'] });
  });
  after(async () => {
    await gateway.stop();
    await tracker.stop();
    await issuer.stop();
  });

  it('refuses anonymous requests to the API and the stream with 401 JSON', async () => {
    for (const path of ['/vehicles', '/vehicles/v1', '/stream']) {
      const response = await contractFetch(`${gateway.url}${path}`);
      assert.equal(response.status, 401, path);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(((await response.json()) as { error: string }).error, 'unauthorized');
    }
  });

  it('refuses forged, expired, misaddressed and unsigned tokens', async () => {
    const { privateKey: otherKey } = await generateKeyPair('RS256');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({
        sub: 'x',
        iss: issuer.url,
        aud: 'fleetman',
        groups: ['fleetman-dispatchers'],
        exp: 4_102_444_800,
      }),
    ).toString('base64url');
    const cases: Record<string, string> = {
      'signed by another key, same kid': await issuer.sign(
        { groups: ['fleetman-viewers'] },
        { key: otherKey },
      ),
      'signed by another key, unknown kid': await issuer.sign(
        { groups: ['fleetman-viewers'] },
        { key: otherKey, kid: 'other' },
      ),
      expired: await issuer.sign({ groups: ['fleetman-viewers'] }, { expiresIn: '-2m' }),
      'another audience': await issuer.sign(
        { groups: ['fleetman-viewers'] },
        { audience: 'someone-else' },
      ),
      'another issuer': await issuer.sign(
        { groups: ['fleetman-viewers'] },
        { issuer: 'https://evil.example.org' },
      ),
      'alg none': `${header}.${body}.`,
      'a tampered payload': viewer.replace(/\.[^.]+\./, `.${body}.`),
      garbage: 'not-a-jwt',
    };
    for (const [what, token] of Object.entries(cases)) {
      const response = await contractFetch(`${gateway.url}/vehicles`, { headers: bearer(token) });
      assert.equal(response.status, 401, what);
      assert.equal(((await response.json()) as { error: string }).error, 'unauthorized', what);
    }
    const expired = await contractFetch(`${gateway.url}/vehicles`, {
      headers: bearer(cases.expired!),
    });
    assert.match(((await expired.json()) as { message: string }).message, /expired/);
  });

  it('lets a viewer read and stream', async () => {
    const list = await contractFetch(`${gateway.url}/vehicles`, { headers: bearer(viewer) });
    assert.equal(list.status, 200);
    const stream = await fetch(`${gateway.url}/stream`, { headers: bearer(viewer) });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    await stream.body?.cancel();
  });

  it('refuses a viewer any write with 403, and lets a dispatcher through to the route', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await contractFetch(`${gateway.url}/vehicles/v1`, {
        method,
        headers: { ...bearer(viewer), 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(response.status, 403, method);
      assert.equal(((await response.json()) as { error: string }).error, 'forbidden');
    }
    // Past the role check the router answers: there is no write route on /vehicles (yet).
    const response = await contractFetch(`${gateway.url}/vehicles/v1`, {
      method: 'POST',
      headers: { ...bearer(dispatcher), 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(response.status, 405);
    const read = await contractFetch(`${gateway.url}/vehicles`, { headers: bearer(dispatcher) });
    assert.equal(read.status, 200, 'a dispatcher reads too');
  });

  it("keeps the device registry a dispatcher's, reads included (x-access admin/write)", async () => {
    const list = await contractFetch(`${gateway.url}/devices`, { headers: bearer(viewer) });
    assert.equal(list.status, 403, 'a viewer may not list devices');
    assert.equal(((await list.json()) as { error: string }).error, 'forbidden');
    const register = await contractFetch(`${gateway.url}/devices`, {
      method: 'POST',
      headers: { ...bearer(viewer), 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'phone-1', vehicle: 'v1' }),
    });
    assert.equal(register.status, 403);
    // Past the role check the request goes upstream; no ingest runs here, so the gateway says so.
    const allowed = await contractFetch(`${gateway.url}/devices`, { headers: bearer(dispatcher) });
    assert.equal(allowed.status, 503);
    assert.equal(((await allowed.json()) as { error: string }).error, 'ingest_unavailable');
  });

  it('refuses a valid token without a Fleetman group with 403', async () => {
    const nobody = await issuer.sign({ sub: 'nina', groups: ['payroll'] });
    const response = await contractFetch(`${gateway.url}/vehicles`, { headers: bearer(nobody) });
    assert.equal(response.status, 403);
  });

  it('keeps health and metrics open for probes and Prometheus', async () => {
    for (const path of ['/livez', '/readyz', '/metrics']) {
      const response = await fetch(`${gateway.url}${path}`);
      assert.notEqual(response.status, 401, path);
      await response.arrayBuffer();
    }
  });

  it('logs who asked', () => {
    const lines = gateway.logs.map(
      (line) => JSON.parse(line) as { msg: string; user?: string; status?: number },
    );
    assert.ok(
      lines.some((line) => line.msg === 'request' && line.user === 'vera' && line.status === 200),
    );
    assert.ok(
      lines.some((line) => line.msg === 'request' && line.user === 'vera' && line.status === 403),
    );
  });
});

describe('api-gateway with AUTH=oidc when the keys cannot be fetched', () => {
  it('answers 503 auth_unavailable, not 401 (the caller did nothing wrong)', async () => {
    const issuer = await startIssuer();
    const token = await issuer.sign({ groups: ['fleetman-viewers'] });
    await issuer.stop();
    const tracker = await new FakeTracker().start();
    const gateway = await startGateway({
      TRACKER_URL: tracker.url,
      AUTH: 'oidc',
      AUTH_ISSUER: issuer.url,
      AUTH_AUDIENCE: 'fleetman',
      AUTH_JWKS_URL: `${issuer.url}/keys`,
    });
    try {
      const response = await contractFetch(`${gateway.url}/vehicles`, { headers: bearer(token) });
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: string }).error, 'auth_unavailable');
    } finally {
      await gateway.stop();
      await tracker.stop();
    }
  });
});
