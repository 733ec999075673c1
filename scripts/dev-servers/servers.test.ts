// Tests of scripts/dev-servers/servers.sh and its probe, against real servers. They run a private set (own
// cache directory and unusual ports) so the shared servers colleagues test against are untouched.
// Needs `bash scripts/dev-servers/servers.sh install activemq ferretdb` first; fails (never skips) without it.
//   node --import tsx --test scripts/dev-servers/servers.test.ts
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import rhea from 'rhea';

const scriptsDir = import.meta.dirname;
const serversSh = path.join(scriptsDir, 'servers.sh');
const probeMjs = path.join(import.meta.dirname, 'probe.mjs');
const versions = Object.fromEntries(
  readFileSync(path.join(scriptsDir, '..', '..', 'versions.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=', 2) as [string, string]),
);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** servers.sh with every FLEETMAN_* override removed, i.e. exactly what a developer gets. */
function runDefaults(...args: string[]): Run {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('FLEETMAN_')),
  );
  const result = spawnSync('bash', [serversSh, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('servers.sh env and arguments', () => {
  it('prints the three URLs colleagues rely on, with the default ports', () => {
    const { status, stdout } = runDefaults('env');
    assert.equal(status, 0);
    assert.deepEqual(stdout.trim().split('\n'), [
      'export TEST_ACTIVEMQ_URL=amqp://admin:admin@127.0.0.1:5682',
      'export TEST_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672',
      'export TEST_MONGO_URL=mongodb://127.0.0.1:27017',
    ]);
  });

  it('rejects an unknown server name with a clear error and does nothing else', () => {
    const { status, stderr } = runDefaults('start', 'mongodb');
    assert.equal(status, 1);
    assert.match(
      stderr,
      /unknown server 'mongodb' \(expected one of: activemq rabbitmq ferretdb\)/,
    );
  });

  it('refuses restart without a name instead of restarting everything', () => {
    const { status, stderr } = runDefaults('restart');
    assert.equal(status, 1);
    assert.match(stderr, /restart needs a server name/);
  });

  it('prints usage for an unknown command', () => {
    const { status, stderr } = runDefaults('launch');
    assert.equal(status, 2);
    assert.match(stderr, /servers\.sh start \[name\.\.\.\]/);
  });
});

/** A one-shot TCP server on port 0 that answers the first bytes it receives with `reply`. */
async function fakeServer(reply: Buffer | null): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((socket) => {
    socket.once('data', () => (reply ? socket.write(reply) : socket.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => server.close() };
}

describe('probe.mjs', () => {
  // Asynchronous: the fake server lives in this process, so a spawnSync would starve it.
  const probe = (kind: string, port: number) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('node', [probeMjs, kind, '127.0.0.1', String(port), '1000']);
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stderr }));
    });

  it('accepts a peer that answers the AMQP 1.0 header', async () => {
    const server = await fakeServer(Buffer.from('AMQP\x03\x01\x00\x00', 'latin1'));
    try {
      assert.equal((await probe('amqp-1.0', server.port)).status, 0);
    } finally {
      server.close();
    }
  });

  it('rejects a port that accepts connections but closes without answering', async () => {
    const server = await fakeServer(null);
    try {
      const result = await probe('amqp-1.0', server.port);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /connection closed after 0 bytes/);
    } finally {
      server.close();
    }
  });

  it('rejects a MongoDB reply without ok: 1', async () => {
    const notOk = Buffer.alloc(40);
    notOk.writeInt32LE(40, 0);
    const server = await fakeServer(notOk);
    try {
      assert.equal((await probe('mongo', server.port)).status, 1);
    } finally {
      server.close();
    }
  });

  it('rejects a closed port', async () => {
    const server = await fakeServer(null);
    server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await probe('mongo', server.port)).status, 1);
  });
});

describe('servers.sh lifecycle (private ActiveMQ and FerretDB)', { timeout: 120_000 }, () => {
  const sharedCache = process.env.FLEETMAN_CACHE ?? path.join(homedir(), '.cache', 'fleetman');
  const cache = mkdtempSync(path.join(tmpdir(), 'fleetman-servers-test-'));
  // Unusual ports, derived from the PID so two runs of this file do not collide either.
  const base = 20_000 + (process.pid % 2_000) * 5;
  const env = {
    FLEETMAN_CACHE: cache,
    FLEETMAN_ACTIVEMQ_PORT: String(base),
    FLEETMAN_MONGO_PORT: String(base + 1),
    FLEETMAN_FERRETDB_DEBUG_PORT: String(base + 2),
    FLEETMAN_RABBITMQ_PORT: String(base + 3),
    FLEETMAN_RABBITMQ_DIST_PORT: String(base + 4),
  };
  const servers = (...args: string[]) => run('bash', [serversSh, ...args], env);
  const pidOf = (name: string) => readFileSync(path.join(cache, 'run', `${name}.pid`), 'utf8');

  before(() => {
    // Reuse the installed binaries (installing is tested by CI's `install` step, and slow).
    const activemq = path.join(sharedCache, `activemq-${versions.ACTIVEMQ_VERSION}`);
    const ferretdb = path.join(sharedCache, 'bin', `ferretdb-${versions.FERRETDB_VERSION}`);
    for (const needed of [activemq, ferretdb]) {
      assert.ok(
        existsSync(needed),
        `${needed} is missing: run 'bash scripts/dev-servers/servers.sh install activemq ferretdb'`,
      );
    }
    mkdirSync(path.join(cache, 'bin'));
    symlinkSync(activemq, path.join(cache, path.basename(activemq)));
    symlinkSync(ferretdb, path.join(cache, 'bin', path.basename(ferretdb)));
  });

  after(() => {
    servers('stop', 'activemq', 'ferretdb');
    rmSync(cache, { recursive: true, force: true });
  });

  it('starts quietly, and a second start is a no-op on the same process', () => {
    const first = servers('start', 'ferretdb');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout + first.stderr, '');
    const pid = pidOf('ferretdb');
    assert.equal(servers('start', 'ferretdb').status, 0);
    assert.equal(pidOf('ferretdb'), pid);
    assert.match(
      servers('status').stdout,
      new RegExp(`ferretdb +running +pid ${pid.split(' ')[0]}`),
    );
  });

  it('notices a crashed server, clears its PID file and starts it again', () => {
    assert.equal(servers('start', 'ferretdb').status, 0);
    const pid = Number(pidOf('ferretdb').split(' ')[0]);
    process.kill(pid, 'SIGKILL');
    spawnSync('sleep', ['0.3']);
    const status = servers('status');
    assert.equal(status.status, 3);
    assert.match(status.stdout, /ferretdb +stopped/);
    assert.equal(existsSync(path.join(cache, 'run', 'ferretdb.pid')), false);
    assert.equal(servers('start', 'ferretdb').status, 0);
    assert.notEqual(Number(pidOf('ferretdb').split(' ')[0]), pid);
  });

  it('stop ends the server and frees the port; a second stop is a no-op', () => {
    assert.equal(servers('start', 'ferretdb').status, 0);
    assert.equal(servers('stop', 'ferretdb').status, 0);
    assert.equal(run('node', [probeMjs, 'mongo', '127.0.0.1', env.FLEETMAN_MONGO_PORT]).status, 1);
    assert.equal(servers('stop', 'ferretdb').status, 0);
  });

  it('fails loudly, with the cause, when a silent listener holds the port', async () => {
    assert.equal(servers('stop', 'ferretdb').status, 0);
    const squatter = net.createServer(() => {});
    await new Promise<void>((resolve) =>
      squatter.listen(Number(env.FLEETMAN_MONGO_PORT), '127.0.0.1', resolve),
    );
    try {
      const result = servers('start', 'ferretdb');
      assert.equal(result.status, 1);
      assert.match(result.stderr, /errors in this run of ferretdb/);
      assert.match(result.stderr, /address already in use/i);
      assert.match(result.stderr, /servers\.sh: error: ferretdb: exited during start-up/);
    } finally {
      squatter.close();
    }
  });

  it('keeps a durable ActiveMQ message across restart activemq', async () => {
    assert.equal(servers('start', 'activemq').status, 0);
    const queue = `servers-test-${process.pid}`;
    await sendDurable(Number(env.FLEETMAN_ACTIVEMQ_PORT), queue, 'survives');
    const restart = servers('restart', 'activemq');
    assert.equal(restart.status, 0, restart.stderr);
    assert.equal(await receiveOne(Number(env.FLEETMAN_ACTIVEMQ_PORT), queue), 'survives');
  });

  it('dead-letters a rejected message to the per-queue DLQ.<queue>', async () => {
    assert.equal(servers('start', 'activemq').status, 0);
    const port = Number(env.FLEETMAN_ACTIVEMQ_PORT);
    const queue = `servers-test-dlq-${process.pid}`;
    await sendDurable(port, queue, 'poison');
    await receiveOne(port, queue, 'reject');
    assert.equal(await receiveOne(port, `DLQ.${queue}`), 'poison');
  });

  it('rejects wrong ActiveMQ credentials (authentication is on)', async () => {
    assert.equal(servers('start', 'activemq').status, 0);
    await assert.rejects(
      sendDurable(Number(env.FLEETMAN_ACTIVEMQ_PORT), 'never', 'x', 'wrong'),
      /authenticate/,
    );
  });
});

function connect(port: number, password = 'admin') {
  return rhea.create_container().connect({
    host: '127.0.0.1',
    port,
    username: 'admin',
    password,
    reconnect: false,
  });
}

function sendDurable(port: number, queue: string, body: string, password?: string) {
  return new Promise<void>((resolve, reject) => {
    const connection = connect(port, password);
    connection.on('connection_error', (ctx) =>
      reject(ctx.error ?? ctx.connection.error ?? new Error('refused')),
    );
    connection.on('disconnected', (ctx) => reject(ctx.error ?? new Error('disconnected')));
    const sender = connection.open_sender({ target: { address: queue, durable: 2 } });
    sender.once('sendable', () => sender.send({ durable: true, body }));
    sender.on('accepted', () => {
      connection.close();
      resolve();
    });
  });
}

function receiveOne(port: number, queue: string, outcome: 'accept' | 'reject' = 'accept') {
  return new Promise<string>((resolve, reject) => {
    const connection = connect(port);
    const timer = setTimeout(() => {
      connection.close();
      reject(new Error(`no message on ${queue} within 10 s`));
    }, 10_000);
    connection.on('disconnected', (ctx) => reject(ctx.error ?? new Error('disconnected')));
    const receiver = connection.open_receiver({
      source: { address: queue },
      autoaccept: false,
      credit_window: 1,
    });
    receiver.on('message', (ctx) => {
      clearTimeout(timer);
      if (outcome === 'accept') ctx.delivery?.accept();
      else ctx.delivery?.reject({ condition: 'fleetman:test', description: 'poison' });
      connection.close();
      resolve(String(ctx.message.body));
    });
  });
}
