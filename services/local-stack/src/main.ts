import { networkInterfaces } from 'node:os';
import { env, runService } from '@fleetman/service-kit';
import { startStack } from './stack.js';

/** The address a phone on the same network reaches this machine at (127.0.0.1 without one). */
function lanAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

runService({
  name: 'local-stack',
  // The services read the rest of the environment themselves (stack.ts).
  schema: { LOG_LEVEL: env.logLevel('warn') },
  async start({ isStopping }) {
    // Loopback only unless HOST says otherwise: without a login, this must not face a network.
    process.env.HOST ??= '127.0.0.1';
    // ...except the devices' port: phones must reach it, and each device has its own secret.
    process.env.DEVICE_HOST ??= '0.0.0.0';
    const stack = await startStack(process.env, isStopping);
    const login =
      process.env.AUTH === 'oidc'
        ? `on (AUTH=oidc, issuer ${process.env.AUTH_ISSUER ?? '?'})`
        : `off: no login, listening on ${process.env.HOST} only, device ingest on ${process.env.DEVICE_HOST} (AUTH=oidc turns login on)`;
    const at = (port: number) => `http://127.0.0.1:${port}`;
    const phoneUrl = `http://${lanAddress()}:${stack.ingest.server.port}`;
    const { id, secret } = stack.demoDevice;
    const shown = secret ?? '<its secret: POST /api/devices/' + id + '/rotate gives a new one>';
    process.stdout.write(
      [
        `Fleetman is up: ${stack.url}`,
        `  live map        ${stack.url}`,
        `  API             ${stack.url}api/vehicles`,
        `  API docs        ${stack.url}api/docs/  (openapi.yaml, try it out)`,
        `  live stream     ${stack.url}api/stream`,
        `  phone ingest    OsmAnd / Traccar Client: server URL ${phoneUrl}/?token=${shown}  device id ${id}`,
        `                  OwnTracks (HTTP): URL ${phoneUrl}/owntracks  user ${id}  password ${shown}`,
        `  devices         ${stack.url}api/devices  (register: POST {"id": "…", "vehicle": "…"})`,
        `  metrics         gateway ${at(stack.gateway.server.port)}/metrics · tracker ${at(stack.tracker.server.port)}/metrics · simulator ${at(stack.simulator.server.port)}/metrics · ingest ${at(stack.ingest.server.port)}/metrics`,
        `  login           ${login}`,
        `  broker/store    ${process.env.BROKER_URL ? 'BROKER_URL' : 'in-process broker'} · ${process.env.MONGO_URL ? 'MONGO_URL' : 'in-memory store'} (LOG_LEVEL=${process.env.LOG_LEVEL ?? 'warn'})`,
        'Ctrl+C stops it.',
        '',
      ].join('\n'),
    );
    return { stack: stack.stop };
  },
});
