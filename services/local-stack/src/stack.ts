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
import {
  createDeviceStore,
  ingestConfigSchema,
  startIngest,
  type RunningIngest,
} from '@fleetman/device-ingest';
import { registerDemoDevice, type DemoDevice } from './demo-device.js';

export interface Stack {
  tracker: RunningTracker;
  gateway: RunningGateway;
  simulator: RunningSimulator;
  ingest: RunningIngest;
  /** The phone the stack registers for a first try (its secret only when just registered). */
  demoDevice: DemoDevice;
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
 * The four services in one process, each with its own config (read from the same environment),
 * logger and metrics registry, exactly as they run in their own containers. With BROKER_URL unset
 * simulator and tracker share the in-process broker — which is why they must share a process.
 * GATEWAY_PORT / TRACKER_PORT / SIMULATOR_PORT / INGEST_PORT choose the ports (0 = any free
 * one); the ingest's admin port is any free one (only the gateway talks to it).
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
    ingest: createLogger({ service: 'device-ingest', level }),
  };

  // One in-process broker for both ends; with a real broker, one connection per service as in a cluster.
  const trackerBroker = brokerFromConfig(trackerConfig, loggers.tracker);
  const simulatorBroker: Broker = trackerConfig.BROKER_URL
    ? brokerFromConfig(simulatorConfig, loggers.simulator)
    : trackerBroker;
  const ingestConfigFor = (port: string) =>
    loadConfig(ingestConfigSchema, forService(port, '5055', { ADMIN_PORT: '0' }));
  const ingestConfig = ingestConfigFor(environment.INGEST_PORT ?? '5055');
  const ingestBroker: Broker = trackerConfig.BROKER_URL
    ? brokerFromConfig(ingestConfig, loggers.ingest)
    : trackerBroker;

  const tracker = await startTracker({
    config: trackerConfig,
    logger: loggers.tracker,
    registry: createRegistry(),
    broker: trackerBroker,
    store: createStore(trackerConfig, loggers.tracker),
    isStopping,
  });
  const ingest = await startLocalIngest();
  const webDir = environment.WEB_DIR ?? (existsSync(defaultWebDir) ? defaultWebDir : undefined);
  const gatewayConfig = loadConfig(
    gatewayConfigSchema,
    forService(environment.GATEWAY_PORT, '8080', {
      TRACKER_URL: tracker.server.url,
      INGEST_URL: ingest.admin.url,
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

  const demoDevice = await registerDemoDevice(ingest.devices, environment.DEMO_DEVICE ?? 'phone');

  return {
    tracker,
    gateway,
    simulator,
    ingest,
    demoDevice,
    url: `http://127.0.0.1:${gateway.server.port}/`,
    async stop() {
      // Upstream first, so nothing is produced into a closing pipeline.
      await ingest.stop();
      await simulator.stop();
      await gateway.stop();
      await tracker.stop();
      await Promise.all(
        [...new Set([ingestBroker, simulatorBroker, trackerBroker])].map((broker) =>
          broker.close(),
        ),
      );
    },
  };

  /**
   * Port 5055 is what phone apps expect (Traccar's); when it is taken and INGEST_PORT was not
   * asked for (two stacks, a test run), any free port does: the printed URL says which.
   */
  async function startLocalIngest(): Promise<RunningIngest> {
    const start = (config: typeof ingestConfig) =>
      startIngest({
        config,
        logger: loggers.ingest,
        registry: createRegistry(),
        broker: ingestBroker,
        store: createDeviceStore(config, loggers.ingest),
        isStopping,
      });
    try {
      return await start(ingestConfig);
    } catch (err) {
      if (environment.INGEST_PORT || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw err;
      return start(ingestConfigFor('0'));
    }
  }
}
