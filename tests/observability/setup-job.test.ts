import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { path, readJson } from './lib/repo.js';
import { run, tempDir } from './lib/tools.js';

interface Call {
  method: string;
  url: string;
  auth: string;
  body: string;
}

/**
 * The logging setup Job's script, run for real (sh + curl) against a stub Elasticsearch and
 * Kibana over TLS: what it creates, with which credentials, and that a second run sends the
 * same overwriting requests (idempotent).
 */
describe('logging setup Job script', () => {
  const calls: Call[] = [];
  let server: Server;
  let base = '';
  let ca = '';
  let failTemplate = false;

  before(async () => {
    const dir = tempDir('setup-tls');
    const made = run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'ca.crt'),
    ]);
    assert.equal(made.status, 0, made.stderr);
    ca = join(dir, 'ca.crt');
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(ca) },
      (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          calls.push({
            method: req.method ?? '',
            url: req.url ?? '',
            auth: req.headers.authorization ?? '',
            body,
          });
          const broken = failTemplate && req.url?.startsWith('/_index_template');
          res.writeHead(broken ? 400 : 200, { 'content-type': 'application/json' });
          res.end(broken ? '{"error":"mapper_parsing_exception"}' : '{"acknowledged":true}');
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(() => server?.close());

  async function runSetup(): Promise<{ code: number | null; output: string }> {
    const child = spawn('sh', [path('platform/logging/setup/setup.sh')], {
      env: {
        PATH: process.env.PATH,
        ELASTIC_PASSWORD: 'elastic-pw',
        FLUENT_BIT_PASSWORD: 'ab12',
        GRAFANA_READER_PASSWORD: 'cd34',
        LOG_RETENTION_DAYS: '7',
        ES_URL: base,
        KIBANA_URL: `${base}/kibana`,
        ES_CA: ca,
        KB_CA: ca,
        SETUP_FILES: path('platform/logging/setup'),
        RETRIES: '0',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, output };
  }

  it('creates the policy, template, roles, users and data view as the elastic user, over verified TLS', async () => {
    calls.length = 0;
    const { code, output } = await runSetup();
    assert.equal(code, 0, output);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.url}`),
      [
        'GET /_cluster/health?wait_for_status=yellow&timeout=60s',
        'PUT /_ilm/policy/fleetman-logs',
        'PUT /_index_template/fleetman-logs',
        'PUT /_security/role/fleetman-logs-writer',
        'PUT /_security/role/fleetman-logs-reader',
        'PUT /_security/user/fluent-bit',
        'PUT /_security/user/grafana-reader',
        'GET /kibana/api/status',
        'POST /kibana/api/data_views/data_view',
      ],
    );
    const basic = `Basic ${Buffer.from('elastic:elastic-pw').toString('base64')}`;
    assert.ok(calls.every((c) => c.auth === basic));
    const body = (url: string) =>
      JSON.parse(calls.find((c) => c.url === url)?.body ?? '{}') as Record<string, unknown>;
    assert.equal(
      JSON.stringify(body('/_ilm/policy/fleetman-logs')).includes('"min_age":"7d"'),
      true,
    );
    assert.deepEqual(
      body('/_index_template/fleetman-logs'),
      readJson('platform/logging/setup/index-template.json'),
    );
    assert.deepEqual(body('/_security/user/fluent-bit'), {
      password: 'ab12',
      roles: ['fleetman-logs-writer'],
    });
    assert.deepEqual(body('/_security/user/grafana-reader'), {
      password: 'cd34',
      roles: ['fleetman-logs-reader'],
    });
    assert.equal(body('/kibana/api/data_views/data_view').override, true);
    assert.ok(output.trim().endsWith('setup done'));
  });

  it('sends the same overwriting requests when run again', async () => {
    calls.length = 0;
    await runSetup();
    const first = calls.map((c) => `${c.method} ${c.url} ${c.body}`);
    calls.length = 0;
    const { code } = await runSetup();
    assert.equal(code, 0);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.url} ${c.body}`),
      first,
    );
  });

  it("fails the Job, with Elasticsearch's answer, when a request is rejected", async () => {
    failTemplate = true;
    const { code, output } = await runSetup();
    failTemplate = false;
    assert.notEqual(code, 0);
    assert.match(output, /mapper_parsing_exception/);
    assert.doesNotMatch(output, /setup done/);
  });
});
