#!/usr/bin/env node
// Protocol-level readiness probe for scripts/dev-servers/servers.sh: an open port is not enough (a JVM can
// bind before the broker is usable), so each check speaks the first step of the real protocol.
// Usage: node probe.mjs <amqp-1.0|amqp-0-9-1|mongo> <host> <port> [timeoutMs]
// Exit 0 = ready, 1 = not ready (reason on stderr). Node built-ins only: runs before `npm ci`.
import net from 'node:net';

const [kind, host = '127.0.0.1', portText, timeoutText = '2000'] = process.argv.slice(2);

// AMQP 1.0 SASL layer header: the broker answers with the same 8 bytes (or its own SASL header).
const AMQP10_SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);
// AMQP 0-9-1 protocol header: the broker answers with a Connection.Start method frame (type 1).
const AMQP091_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x00, 0x09, 0x01]);

/** OP_MSG { ping: 1, $db: "admin" }: the MongoDB wire protocol's cheapest real round trip. */
function mongoPing() {
  const cstring = (s) => Buffer.from(`${s}\0`, 'utf8');
  const int32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const body = Buffer.concat([
    Buffer.from([0x10]),
    cstring('ping'),
    int32(1),
    Buffer.from([0x02]),
    cstring('$db'),
    int32(6),
    cstring('admin'),
    Buffer.from([0x00]),
  ]);
  const doc = Buffer.concat([int32(body.length + 4), body]);
  const payload = Buffer.concat([
    int32(0) /* flagBits */,
    Buffer.from([0x00]) /* section kind 0 */,
    doc,
  ]);
  const header = Buffer.concat([
    int32(16 + payload.length),
    int32(1),
    int32(0),
    int32(2013 /* OP_MSG */),
  ]);
  return Buffer.concat([header, payload]);
}

const checks = {
  'amqp-1.0': {
    request: AMQP10_SASL_HEADER,
    ready: (reply) => reply.length >= 8 && reply.subarray(0, 4).toString('latin1') === 'AMQP',
  },
  'amqp-0-9-1': {
    request: AMQP091_HEADER,
    ready: (reply) => reply.length >= 7 && reply[0] === 0x01,
  },
  mongo: {
    request: mongoPing(),
    // Reply is an OP_MSG whose document contains `ok: 1.0` (type 0x01, key "ok", double 1).
    ready: (reply) => {
      if (reply.length < 16) return false;
      const length = reply.readInt32LE(0);
      if (reply.length < length) return false;
      const ok = Buffer.from([0x01, 0x6f, 0x6b, 0x00, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
      return reply.indexOf(ok) !== -1;
    },
  },
};

const check = checks[kind];
const port = Number(portText);
if (!check || !Number.isInteger(port) || port <= 0) {
  console.error('usage: probe.mjs <amqp-1.0|amqp-0-9-1|mongo> <host> <port> [timeoutMs]');
  process.exit(2);
}

const socket = net.connect({ host, port });
let reply = Buffer.alloc(0);
const fail = (reason) => {
  console.error(`${kind} ${host}:${port} not ready: ${reason}`);
  socket.destroy();
  process.exit(1);
};
socket.setTimeout(Number(timeoutText), () => fail('timed out waiting for a reply'));
socket.on('connect', () => socket.write(check.request));
socket.on('data', (chunk) => {
  reply = Buffer.concat([reply, chunk]);
  if (check.ready(reply)) {
    socket.destroy();
    process.exit(0);
  }
});
socket.on('error', (err) => fail(err.code ?? err.message));
socket.on('end', () => fail(`connection closed after ${reply.length} bytes`));
