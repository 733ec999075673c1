import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerFromConfig, type Broker } from '@fleetman/broker';
import { createLogger, createRegistry, loadConfig, type LogLevel } from '@fleetman/service-kit';
import { gatewayConfigSchema, startApiGateway, type RunningGateway } from '@fleetman/api-gateway';
import {
  simulatorConfigSchema,
  startSimulator,
  type RunningSimulator,
} from '@fleetman/position-simulator';
import {
  createStore,
  startTracker,
  trackerConfigSchema,
  type RunningTracker,
} from '@fleetman/position-tracker';

export interface Stack {
  tracker: RunningTracker;
  gateway: RunningGateway;
  simulator: RunningSimulator;
  url: string;
  stop(): Promise<void>;
}

const defaultWebDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));
/** nginx's security headers, which the gateway sends too in local mode (one list). */
const securityHeadersFile = fileURLToPath(
  new URL('../../../web/nginx/security-headers.inc.template', import.meta.url),
);
/** Swagger UI's assets, served by the gateway as the API docs (from the package: offline). */
const apiDocsDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/**
 * The three services in one process, each with its own config (read from the same environment),
 * logger and metrics registry, exactly as they run in their own containers. With BROKER_URL unset
 * simulator and tracker share the in-process broker — which is why they must share a process.
 * GATEWAY_PORT / TRACKER_PORT / SIMULATOR_PORT choose the ports (0 = any free one).
 */
export async function startStack(
  environment: NodeJS.ProcessEnv = process.env,
  isStopping?: () => boolean,
): Promise<Stack> {
  const level = (environment.LOG_LEVEL ?? 'warn') as LogLevel;
  const forService = (
    port: string | undefined,
    fallback: string,
    extra: Record<string, string> = {},
  ) => ({
    ...environment,
    LOG_LEVEL: level,
    PORT: port ?? fallback,
    ...extra,
  });

  const trackerConfig = loadConfig(
    trackerConfigSchema,
    forService(environment.TRACKER_PORT, '8081'),
  );
  const simulatorConfig = loadConfig(
    simulatorConfigSchema,
    forService(environment.SIMULATOR_PORT, '8082'),
  );
  const loggers = {
    tracker: createLogger({ service: 'position-tracker', level }),
    gateway: createLogger({ service: 'api-gateway', level }),
    simulator: createLogger({ service: 'position-simulator', level }),
  };

  // One in-process broker for both ends; with a real broker, one connection per service as in a cluster.
  const trackerBroker = brokerFromConfig(trackerConfig, loggers.tracker);
  const simulatorBroker: Broker = trackerConfig.BROKER_URL
    ? brokerFromConfig(simulatorConfig, loggers.simulator)
    : trackerBroker;

  const tracker = await startTracker({
    config: trackerConfig,
    logger: loggers.tracker,
    registry: createRegistry(),
    broker: trackerBroker,
    store: createStore(trackerConfig, loggers.tracker),
    isStopping,
  });
  const webDir = environment.WEB_DIR ?? (existsSync(defaultWebDir) ? defaultWebDir : undefined);
  const gatewayConfig = loadConfig(
    gatewayConfigSchema,
    forService(environment.GATEWAY_PORT, '8080', {
      TRACKER_URL: tracker.server.url,
      API_DOCS_DIR: environment.API_DOCS_DIR ?? apiDocsDir,
      SECURITY_HEADERS_FILE: environment.SECURITY_HEADERS_FILE ?? securityHeadersFile,
      ...(webDir ? { WEB_DIR: webDir } : {}),
    }),
  );
  const gateway = await startApiGateway({
    config: gatewayConfig,
    logger: loggers.gateway,
    registry: createRegistry(),
    isStopping,
  });
  const simulator = await startSimulator({
    config: simulatorConfig,
    logger: loggers.simulator,
    registry: createRegistry(),
    broker: simulatorBroker,
    isStopping,
  });

  return {
    tracker,
    gateway,
    simulator,
    url: `http://127.0.0.1:${gateway.server.port}/`,
    async stop() {
      // Upstream first, so nothing is produced into a closing pipeline.
      await simulator.stop();
      await gateway.stop();
      await tracker.stop();
      await Promise.all(
        [...new Set([simulatorBroker, trackerBroker])].map((broker) => broker.close()),
      );
    },
  };
}
