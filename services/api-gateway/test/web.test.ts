import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contractFetch } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';
import { startGateway, type TestGateway } from './support/gateway.js';

const NGINX_HEADERS = fileURLToPath(
  new URL('../../../web/nginx/security-headers.inc.template', import.meta.url),
);

/** Raw GET: fetch would normalise "/../" away before it ever reached the server. */
function rawGet(
  base: string,
  rawPath: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(base);
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: String(response.headers['content-type']),
            body,
          }),
        );
      })
      .on('error', reject);
  });
}

/** The headers web/nginx/security-headers.inc.template makes nginx send (no tile origin). */
async function securityHeadersOfNginx(): Promise<Record<string, string>> {
  const text = await readFile(NGINX_HEADERS, 'utf8');
  const headers: Record<string, string> = {};
  for (const match of text.matchAll(/^add_header (\S+) "(.*)" always;$/gm))
    headers[match[1]!.toLowerCase()] = match[2]!.replaceAll('${TILE_ORIGIN}', '');
  assert.ok(Object.keys(headers).length >= 5, 'the nginx template lists the headers');
  return headers;
}

describe('api-gateway local mode (WEB_DIR)', () => {
  let tracker: FakeTracker;
  let gateway: TestGateway;
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gateway-web-'));
    const web = path.join(root, 'dist');
    await mkdir(path.join(web, 'assets'), { recursive: true });
    await writeFile(path.join(web, 'index.html'), '<!doctype html><title>Fleetman</title>');
    await writeFile(path.join(web, 'assets', 'app-1234.js'), 'console.log("app")');
    await writeFile(path.join(root, 'secret.txt'), 'outside the web root');
    await symlink(path.join(root, 'secret.txt'), path.join(web, 'link.txt'));
    tracker = await new FakeTracker().start();
    tracker.emit('v1');
    // The Swagger UI assets local-stack gives the gateway (API_DOCS_DIR).
    const swaggerUi = path.dirname(
      createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
    );
    gateway = await startGateway({
      TRACKER_URL: tracker.url,
      WEB_DIR: web,
      API_DOCS_DIR: swaggerUi,
      SECURITY_HEADERS_FILE: NGINX_HEADERS,
    });
  });
  after(async () => {
    await gateway.stop();
    await tracker.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the app and its assets with the right content types and caching', async () => {
    const index = await fetch(`${gateway.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(await index.text(), /Fleetman/);
    const script = await fetch(`${gateway.url}/assets/app-1234.js`);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await script.text(), 'console.log("app")');
  });

  it('falls back to index.html for app routes but not for API paths or missing files', async () => {
    const deepLink = await fetch(`${gateway.url}/map/v1`);
    assert.equal(deepLink.status, 200);
    assert.match(await deepLink.text(), /Fleetman/);
    const missingAsset = await fetch(`${gateway.url}/assets/nope.js`);
    assert.equal(missingAsset.status, 404);
    const unknownVehicle = await contractFetch(`${gateway.url}/vehicles/nope`);
    assert.equal(unknownVehicle.status, 404);
    assert.match(unknownVehicle.headers.get('content-type') ?? '', /json/);
  });

  it('serves the API under /api too, as nginx does in the cluster', async () => {
    const response = await contractFetch(`${gateway.url}/api/vehicles`);
    assert.equal(response.status, 200);
    assert.deepEqual(
      ((await response.json()) as { id: string }[]).map((vehicle) => vehicle.id),
      ['v1'],
    );
    assert.equal(tracker.requests.at(-1)?.url, '/vehicles');
    const unknown = await contractFetch(`${gateway.url}/api/vehicles/nope`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /json/);
  });

  it("answers unknown /api routes with JSON 404, never the app's index.html", async () => {
    for (const path of ['/api/nope', '/api/vehicle', '/api/', '/api/index.html', '/api/map/v1']) {
      const response = await contractFetch(`${gateway.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'not_found', path);
      assert.match(body.message, new RegExp(`^No route for GET ${path.replace(/[.]/g, '\\.')}$`));
    }
  });

  it('sets the security headers of the nginx template on every answer (one list: web/nginx)', async () => {
    const expected = await securityHeadersOfNginx();
    assert.ok(expected['content-security-policy']?.includes("frame-ancestors 'none'"));
    for (const path of ['/', '/map/v1', '/api/vehicles', '/api/nope', '/assets/app-1234.js']) {
      const response = await fetch(`${gateway.url}${path}`);
      await response.arrayBuffer();
      for (const [name, value] of Object.entries(expected))
        assert.equal(response.headers.get(name), value, `${name} on ${path}`);
    }
  });

  it('never serves a file outside the web root', async () => {
    for (const rawPath of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/link.txt',
      '/assets/%00.js',
      '/%E0%A4%A',
    ]) {
      const response = await rawGet(gateway.url, rawPath);
      assert.doesNotMatch(response.body, /outside the web root/, rawPath);
      assert.notEqual(response.status, 500, rawPath);
    }
  });
});

describe('api-gateway local mode: SECURITY_HEADERS_FILE', () => {
  it('refuses a missing or foreign file at start with one line naming the setting', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gateway-headers-'));
    const foreign = path.join(dir, 'headers.inc');
    await writeFile(foreign, 'add_header X-A "b";\n');
    try {
      for (const file of [path.join(dir, 'missing.inc'), foreign])
        await assert.rejects(
          startGateway({ SECURITY_HEADERS_FILE: file }),
          (err: unknown) =>
            err instanceof Error &&
            err.name === 'ConfigError' &&
            err.message.startsWith('SECURITY_HEADERS_FILE: ') &&
            !err.message.includes('\n'),
        );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('api-gateway local mode: API docs (API_DOCS_DIR)', () => {
  let tracker: FakeTracker;
  let gateway: TestGateway;
  before(async () => {
    tracker = await new FakeTracker().start();
    const swaggerUi = path.dirname(
      createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
    );
    gateway = await startGateway({
      TRACKER_URL: tracker.url,
      WEB_DIR: tmpdir(),
      API_DOCS_DIR: swaggerUi,
    });
  });
  after(async () => {
    await gateway.stop();
    await tracker.stop();
  });

  it('serves Swagger UI from the package (no CDN) showing openapi.yaml', async () => {
    const redirect = await fetch(`${gateway.url}/api/docs`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/api/docs/');
    const page = await fetch(`${gateway.url}/api/docs/`);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /src="swagger-ui-bundle.js"/);
    assert.doesNotMatch(html, /https?:\/\//, 'every asset from this gateway');
    const init = await (await fetch(`${gateway.url}/api/docs/init.js`)).text();
    assert.match(init, /url: 'openapi.json'/);
    assert.match(init, /validatorUrl: null/);
    const bundle = await fetch(`${gateway.url}/api/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
    const document = (await (await fetch(`${gateway.url}/api/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    assert.equal(document.openapi, '3.1.0');
    assert.ok('/vehicles/{id}/history' in document.paths);
  });
});
