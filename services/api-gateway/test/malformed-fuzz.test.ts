/**
 * A small seeded fuzz of malformed requests against the real gateway (local mode, so the web
 * app's fallback is in play too): every answer must be the JSON error shape — never an empty
 * 400, a connection reset, text/plain or the app's HTML. Deterministic: the same seed sends the
 * same 1,500 requests; a failure prints the seed, the request and the answer to reproduce it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rawRequest, type RawResponse } from '@fleetman/service-kit/testing';
import { FakeTracker } from './support/fake-tracker.js';
import { startGateway, type TestGateway } from './support/gateway.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const COUNT = 1500;
const PARALLEL = 8;

/** mulberry32: a tiny seeded PRNG, so the run is the same every time. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const junk = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
  const paths = [
    () =>
      `/vehicles/${pick(['%', '%E0%A4%A', '%zz', '%C0%AF', '%ff%fe', 'a%'])}${pick(['', '/history'])}`,
    () =>
      `/vehicles/v1/history?${pick(['limit=', 'limit=-1', 'from=x', 'format=%', 'limit=1&limit=1', 'to=%zz'])}`,
    () =>
      `/api/${pick(['nope', 'vehicle', 'Vehicles', 'stream/x', 'index.html', 'docs', ''])}${pick(['', '/', '?x=1', '/../x'])}`,
    () => `/vehicles/${'x'.repeat(pick([300, 5000, 20_000, 100_000]))}`,
    () => `/${pick(['livez', 'vehicles', 'stream', 'metrics'])}/${junk(3).replace(/[\s]/g, '_')}x`,
    () => `/vehicles${pick(['\t', '\x00', '\x7f', ' /x'])}`,
  ];
  const methods = [
    ...Array(6).fill('GET'),
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'PROPFIND',
    'FOO',
    'get',
    'G ET',
    '',
  ];
  const versions = [
    ...Array(8).fill('HTTP/1.1'),
    'HTTP/1.0',
    'HTTP/9.9',
    'HTTP/1',
    'HTTPS/1.1',
    '',
  ];
  const headers = [
    () => 'Host: x',
    () => 'Bad Header: y',
    () => 'NoColon',
    () => `X-Big: ${'b'.repeat(pick([100, 20_000, 70_000]))}`,
    () => 'Content-Length: 1\r\nContent-Length: 2',
    () => 'Content-Length: abc',
    () => 'Transfer-Encoding: chunked\r\nContent-Length: 3',
    () => 'Transfer-Encoding: gzip, zork',
    () => `X-Junk: ${junk(8).replace(/[\r\n]/g, '')}`,
    () => 'Last-Event-ID: \x01\x02',
    () => ': empty-name',
  ];
  return (): string => {
    const method = pick(methods);
    const target = pick(paths)();
    const version = pick(versions);
    const lines = [`${method} ${target} ${version}`.replace(/ {2,}/g, ' ')];
    if (random() < 0.85) lines.push('Host: fuzz');
    // Most requests get through the parser with a clean head, so the app's paths are fuzzed too.
    if (random() < 0.5)
      for (let i = 1 + Math.floor(random() * 2); i > 0; i -= 1) lines.push(pick(headers)());
    return `${lines.join('\r\n')}\r\n\r\n`;
  };
}

/** What is wrong with an answer, or undefined when it is a proper JSON error. */
function problemWith(response: RawResponse): string | undefined {
  if (response.status === 0) return `no answer (${response.error ?? 'closed'})`;
  if (response.status < 400) return `status ${response.status} for a malformed request`;
  if (!/^application\/json/.test(response.headers['content-type'] ?? ''))
    return `content-type ${response.headers['content-type'] ?? 'none'}`;
  try {
    const body = JSON.parse(response.body) as { error?: unknown; message?: unknown };
    if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message === '')
      return `body ${response.body.slice(0, 200)}`;
  } catch {
    return `body is not JSON: ${JSON.stringify(response.body.slice(0, 200))}`;
  }
  return undefined;
}

describe('api-gateway under malformed requests (seeded fuzz)', () => {
  let tracker: FakeTracker;
  let gateway: TestGateway;
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gateway-fuzz-'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Fleetman</title>');
    tracker = await new FakeTracker().start();
    tracker.emit('v1');
    gateway = await startGateway({
      TRACKER_URL: tracker.url,
      WEB_DIR: root,
      RATE_LIMIT_BURST: '100000',
    });
  });
  after(async () => {
    await gateway.stop();
    await tracker.stop();
    await rm(root, { recursive: true, force: true });
  });

  it(
    `answers ${COUNT} malformed requests with the JSON error shape (seed ${SEED})`,
    { timeout: 120_000 },
    async () => {
      const next = generator(prng(SEED));
      const requests = Array.from({ length: COUNT }, next);
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      for (let start = 0; start < requests.length; start += PARALLEL) {
        const batch = requests.slice(start, start + PARALLEL);
        const answers = await Promise.all(
          batch.map((request) => rawRequest(gateway.server.port, request)),
        );
        answers.forEach((answer, index) => {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = problemWith(answer);
          if (problem) failures.push(`${problem}: ${JSON.stringify(batch[index]!.slice(0, 160))}`);
        });
      }
      // The spread of answers, for the log (a fuzz that only ever hits one branch proves little).
      console.log(
        `fuzz seed ${SEED}: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
      );
      assert.deepEqual(
        failures.slice(0, 20),
        [],
        `${failures.length} of ${COUNT} answers were not JSON errors`,
      );
      assert.ok(statuses.size >= 5, 'the requests reach several error paths');
    },
  );
});
