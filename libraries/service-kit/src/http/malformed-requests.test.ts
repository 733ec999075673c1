import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Router from '@koa/router';
import { createLogger } from '../logger.js';
import { createRegistry } from '../metrics.js';
import { rawRequest, type RawResponse } from '../testing/raw-http.js';
import { createHttpApp } from './create-http-app.js';
import { listen, type RunningServer } from './listen.js';

function assertJsonError(response: RawResponse, status: number, code: string, what: string): void {
  assert.equal(response.status, status, `${what}: ${JSON.stringify(response)}`);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/, what);
  const body = JSON.parse(response.body) as { error: string; message: string };
  assert.equal(body.error, code, what);
  assert.ok(body.message.length > 0, what);
}

describe('malformed requests get the JSON error shape', () => {
  let server: RunningServer;
  before(async () => {
    const app = createHttpApp({
      logger: createLogger({ service: 't', level: 'silent' }),
      registry: createRegistry(),
    });
    const router = new Router();
    router.get('/things/:id', (ctx) => (ctx.body = { id: ctx.params.id }));
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
    server = await listen(app, 0, '127.0.0.1');
  });
  after(() => server.close(100));

  it('answers what the HTTP parser rejects with JSON 400, not an empty body', async () => {
    for (const request of [
      'FOO /things/1 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /things/1 HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'GET /things/1 HTTP/9.9\r\nHost: x\r\n\r\n',
      '\x01\x02garbage\r\n\r\n',
      'GET /things/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    ]) {
      assertJsonError(
        await rawRequest(server.port, request),
        400,
        'bad_request',
        JSON.stringify(request),
      );
    }
  });

  it('answers an HTTP/1.1 request without Host with JSON 400', async () => {
    assertJsonError(
      await rawRequest(server.port, 'GET /things/1 HTTP/1.1\r\n\r\n'),
      400,
      'bad_request',
      'no Host',
    );
  });

  it('answers a 100,000-character URL with JSON 414 instead of a connection reset', async () => {
    const response = await rawRequest(
      server.port,
      `GET /things/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    assertJsonError(response, 414, 'uri_too_long', 'long URL');
    const viaFetch = await fetch(`${server.url}/things/${'a'.repeat(100_000)}`);
    assert.equal(viaFetch.status, 414);
    assert.equal(((await viaFetch.json()) as { error: string }).error, 'uri_too_long');
  });

  it('answers oversize headers with JSON 431', async () => {
    const response = await rawRequest(
      server.port,
      `GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`,
    );
    assertJsonError(response, 431, 'headers_too_large', 'big header');
    const viaFetch = await fetch(`${server.url}/things/1`, {
      headers: { 'x-big': 'b'.repeat(100_000) },
    });
    assert.equal(viaFetch.status, 431);
  });

  it('answers 405 and 501 as JSON with their own codes', async () => {
    assertJsonError(
      await rawRequest(
        server.port,
        'POST /things/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
      ),
      405,
      'method_not_allowed',
      'POST',
    );
    const notImplemented = await rawRequest(
      server.port,
      'PROPFIND /things/1 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    assertJsonError(notImplemented, 501, 'not_implemented', 'PROPFIND');
    assert.doesNotMatch(notImplemented.body, /Internal error/);
  });

  it('keeps serving well-formed requests on the same server', async () => {
    const response = await fetch(`${server.url}/things/42`);
    assert.deepEqual(await response.json(), { id: '42' });
  });
});
