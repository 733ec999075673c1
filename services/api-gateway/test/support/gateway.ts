import { Writable } from 'node:stream';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import { gatewayConfigSchema, startApiGateway, type RunningGateway } from '../../src/service.js';

export interface TestGateway extends RunningGateway {
  url: string;
  logs: string[];
}

/** Starts the real gateway on port 0 with the given environment on top of test defaults. */
export async function startGateway(env: Record<string, string>): Promise<TestGateway> {
  const config = loadConfig(gatewayConfigSchema, {
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_RPS: '1000',
    RATE_LIMIT_BURST: '1000',
    TRACKER_TIMEOUT: '2s',
    ...env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ service: 'api-gateway', level: config.LOG_LEVEL, destination });
  const gateway = await startApiGateway({ config, logger, registry: createRegistry() });
  return Object.assign(gateway, { url: gateway.server.url, logs });
}

/** Polls until `check` returns a value (or throws after `timeoutMs` with `what`). */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
