import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { contractFetch } from '@fleetman/service-kit/testing';
import { closedPort, FakeTracker } from './support/fake-tracker.js';
import { startGateway, type TestGateway } from './support/gateway.js';

describe('api-gateway proxy to the tracker', () => {
  let tracker: FakeTracker;
  let gateway: TestGateway;

  before(async () => {
    tracker = await new FakeTracker().start();
    tracker.emit('v1');
    gateway = await startGateway({ TRACKER_URL: tracker.url });
  });
  after(async () => {
    await gateway.stop();
    await tracker.stop();
  });

  it('passes status, content type and body through, and forwards the request id', async () => {
    const response = await contractFetch(`${gateway.url}/vehicles`, {
      headers: { 'x-request-id': 'test-req-42' },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('x-request-id'), 'test-req-42');
    const body = (await response.json()) as { id: string }[];
    assert.deepEqual(
      body.map((vehicle) => vehicle.id),
      ['v1'],
    );
    const seen = tracker.requests.find((request) => request.url === '/vehicles');
    assert.equal(seen?.headers['x-request-id'], 'test-req-42');
  });

  it('generates a request id when the client sends none and gives the tracker the same one', async () => {
    const response = await contractFetch(`${gateway.url}/vehicles/v1`);
    assert.equal(response.status, 200);
    const id = response.headers.get('x-request-id');
    assert.ok(id && id.length > 8);
    assert.equal(tracker.requests.at(-1)?.headers['x-request-id'], id);
  });

  it("passes the tracker's 404 JSON through unchanged", async () => {
    const response = await contractFetch(`${gateway.url}/vehicles/nope`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      error: 'vehicle_not_found',
      message: 'No vehicle "nope"',
    });
  });

  it('streams a large history without waiting for the end of it', { timeout: 20_000 }, async () => {
    let body = '';
    // The tracker sends its first chunk, then waits: a buffering proxy would deliver nothing.
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(`${gateway.url}/vehicles/v1/history?format=gpx&chunks=20`, (response) => {
          response.setEncoding('utf8');
          response.once('data', (chunk: string) => {
            body += chunk;
            response.pause();
            resolve(response);
          });
        })
        .on('error', reject);
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/gpx+xml');
    assert.equal(response.headers['content-disposition'], 'attachment; filename="v1.gpx"');
    assert.equal(tracker.historyChunksSent, 1, 'first bytes arrived before the tracker finished');
    tracker.releaseHistory();
    for await (const chunk of response) body += chunk;
    assert.ok(body.endsWith('</gpx>'));
    assert.equal(body.split('<trkpt/>').length - 1, 20_000);
  });

  it('answers 400 for a bad query without calling the tracker', async () => {
    const before = tracker.requests.length;
    for (const query of [
      'limit=0',
      'limit=abc',
      'from=yesterday',
      'format=kml',
      'limit=1&limit=2',
    ]) {
      const response = await contractFetch(`${gateway.url}/vehicles/v1/history?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'bad_query');
      assert.ok(body.message.length > 0);
    }
    assert.equal(tracker.requests.length, before);
  });

  it('answers JSON 404 for unknown routes and 405 for other methods', async () => {
    const unknown = await contractFetch(`${gateway.url}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: string }).error, 'not_found');
    const post = await contractFetch(`${gateway.url}/vehicles`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
  });
});

describe('api-gateway when the tracker is unavailable', () => {
  it('answers 503 tracker_unavailable when nothing listens on the tracker port', async () => {
    const gateway = await startGateway({ TRACKER_URL: `http://127.0.0.1:${await closedPort()}` });
    try {
      const response = await contractFetch(`${gateway.url}/vehicles`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'tracker_unavailable');
      assert.ok(response.headers.get('retry-after'));
    } finally {
      await gateway.stop();
    }
  });

  it(
    'answers 504 tracker_timeout when the tracker takes the request and never answers',
    {
      timeout: 20_000,
    },
    async () => {
      const tracker = await new FakeTracker().start();
      tracker.hang = true;
      const gateway = await startGateway({ TRACKER_URL: tracker.url, TRACKER_TIMEOUT: '300ms' });
      try {
        const response = await contractFetch(`${gateway.url}/vehicles/v1`);
        assert.equal(response.status, 504);
        assert.equal(((await response.json()) as { error: string }).error, 'tracker_timeout');
        assert.ok(
          tracker.requests.some((request) => request.url === '/vehicles/v1'),
          'the tracker had the request: a timeout, not a refused connection',
        );
      } finally {
        await gateway.stop();
        await tracker.stop();
      }
    },
  );
});

describe('api-gateway rate limit', () => {
  it('answers 429 with Retry-After after the burst, per client, and exempts health and metrics', async () => {
    const tracker = await new FakeTracker().start();
    const gateway = await startGateway({
      TRACKER_URL: tracker.url,
      RATE_LIMIT_RPS: '0.5',
      RATE_LIMIT_BURST: '3',
      TRUSTED_PROXIES: '127.0.0.1', // the test plays the proxy that names other clients
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await contractFetch(`${gateway.url}/vehicles`);
        statuses.push(response.status);
        if (response.status === 429) {
          assert.equal(response.headers.get('retry-after'), '2');
          assert.equal(((await response.json()) as { error: string }).error, 'rate_limited');
        } else await response.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      // Another client, as a trusted proxy on 127.0.0.1 names it.
      const other = await contractFetch(`${gateway.url}/vehicles`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(other.status, 200);
      for (const path of ['/livez', '/readyz', '/metrics']) {
        const response = await contractFetch(`${gateway.url}${path}`);
        assert.notEqual(response.status, 429, path);
        await response.arrayBuffer();
      }
      const metrics = await (await contractFetch(`${gateway.url}/metrics`)).text();
      assert.match(metrics, /^http_rate_limited_total 1$/m);
    } finally {
      await gateway.stop();
      await tracker.stop();
    }
  });
});
