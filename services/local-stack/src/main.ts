import { env, runService } from '@fleetman/service-kit';
import { startStack } from './stack.js';

runService({
  name: 'local-stack',
  // The services read the rest of the environment themselves (stack.ts).
  schema: { LOG_LEVEL: env.logLevel('warn') },
  async start({ isStopping }) {
    // Loopback only unless HOST says otherwise: without a login, this must not face a network.
    process.env.HOST ??= '127.0.0.1';
    const stack = await startStack(process.env, isStopping);
    const login =
      process.env.AUTH === 'oidc'
        ? `on (AUTH=oidc, issuer ${process.env.AUTH_ISSUER ?? '?'})`
        : `off: no login, listening on ${process.env.HOST} only (AUTH=oidc turns it on)`;
    const at = (port: number) => `http://127.0.0.1:${port}`;
    process.stdout.write(
      [
        `Fleetman is up: ${stack.url}`,
        `  live map        ${stack.url}`,
        `  API             ${stack.url}api/vehicles`,
        `  API docs        ${stack.url}api/docs/  (openapi.yaml, try it out)`,
        `  live stream     ${stack.url}api/stream`,
        `  metrics         gateway ${at(stack.gateway.server.port)}/metrics · tracker ${at(stack.tracker.server.port)}/metrics · simulator ${at(stack.simulator.server.port)}/metrics`,
        `  login           ${login}`,
        `  broker/store    ${process.env.BROKER_URL ? 'BROKER_URL' : 'in-process broker'} · ${process.env.MONGO_URL ? 'MONGO_URL' : 'in-memory store'} (LOG_LEVEL=${process.env.LOG_LEVEL ?? 'warn'})`,
        'Ctrl+C stops it.',
        '',
      ].join('\n'),
    );
    return { stack: stack.stop };
  },
});
