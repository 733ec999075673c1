import { type Broker } from '@fleetman/broker';
import {
  mongoDatabaseName,
  createBackoff,
  createHttpApp,
  listen,
  loadApiContract,
  RateLimiter,
  validateRequests,
  type Logger,
  type Registry,
  type RunningServer,
} from '@fleetman/service-kit';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import type { IngestConfig } from './config.js';
import { adminRoutes } from './http/admin-routes.js';
import { deviceRoutes } from './http/device-routes.js';
import { fixPublisher } from './ingest/fix-publisher.js';
import { createIngestMetrics } from './ingest/ingest-metrics.js';
import { DeviceRegistry } from './registry/device-registry.js';
import { MemoryDeviceStore, type DeviceStore } from './registry/device-store.js';
import { MongoDeviceStore } from './registry/mongo-device-store.js';

export { ingestConfigSchema, type IngestConfig } from './config.js';
export { DeviceRegistry, type DeviceView, type Registration } from './registry/device-registry.js';
export { MemoryDeviceStore, type DeviceStore } from './registry/device-store.js';
export { MongoDeviceStore } from './registry/mongo-device-store.js';

export interface IngestDeps {
  config: IngestConfig;
  logger: Logger;
  registry: Registry;
  /** Injected so the local all-in-one runner can share its in-process broker; the caller closes it. */
  broker: Broker;
  store: DeviceStore;
  /** The process lifecycle's flag, so /readyz turns 503 as soon as a shutdown begins (drain). */
  isStopping?: () => boolean;
}

export interface RunningIngest {
  app: Koa;
  /** The devices' port (OsmAnd, OwnTracks). */
  server: RunningServer;
  /** The registry's admin API (the gateway's upstream). */
  admin: RunningServer;
  devices: DeviceRegistry;
  /** Not ready → finish the requests in flight (their publishes) → close the store. */
  stop(): Promise<void>;
}

/** MONGO_URL set → MongoDB; unset → the registry lives in memory (lost on restart). */
export function createDeviceStore(config: IngestConfig, logger: Logger): DeviceStore {
  if (!config.MONGO_URL) return new MemoryDeviceStore();
  return new MongoDeviceStore({
    url: config.MONGO_URL,
    username: config.MONGO_USERNAME,
    password: config.MONGO_PASSWORD,
    database: mongoDatabaseName(config.MONGO_URL, config.MONGO_DATABASE),
    logger,
  });
}

/**
 * Starts the ingest: both ports first (so /livez answers while dependencies come up), then the
 * registry's store (retried until it answers) and the broker. Until both are up /readyz is 503
 * and device requests fail with 503, which phones retry.
 */
export async function startIngest({
  config,
  logger,
  registry,
  broker,
  store,
  isStopping,
}: IngestDeps): Promise<RunningIngest> {
  if (config.PORT !== 0 && config.PORT === config.ADMIN_PORT) {
    throw new Error('PORT and ADMIN_PORT must differ: the admin API is never on the devices port');
  }
  const metrics = createIngestMetrics(registry);
  const devices = new DeviceRegistry({ store, cacheMs: config.REGISTRY_CACHE });
  const publisher = fixPublisher({
    broker,
    queue: config.QUEUE_NAME,
    timeoutMs: config.PUBLISH_TIMEOUT,
  });
  const limiter = new RateLimiter({
    ratePerSecond: config.DEVICE_RATE_LIMIT,
    burst: config.DEVICE_BURST,
    maxKeys: config.RATE_LIMIT_MAX_DEVICES,
  });
  const sweeper = setInterval(() => limiter.sweep(Date.now()), 60_000).unref();

  let stopping = false;
  let storeReady = false;
  const app = createHttpApp({
    logger,
    registry,
    isStopping: () => stopping || (isStopping?.() ?? false),
    readiness: () => ({ registry: storeReady && store.isHealthy(), broker: broker.isConnected() }),
  });
  // One app, two listeners: each router answers only on its own port, so one metrics registry
  // and one middleware chain serve both (two apps would register the HTTP metrics twice).
  let devicePort = -1;
  let adminPort = -1;
  const ready: Middleware = async (_ctx, next) => {
    if (!storeReady) {
      throw Object.assign(new Error('The device registry is not available yet; retry'), {
        status: 503,
        expose: true,
        headers: { 'Retry-After': '5' },
      });
    }
    await next();
  };
  const devicesRouter = deviceRoutes({
    registry: devices,
    publisher,
    limiter,
    metrics,
    bodyLimit: config.BODY_LIMIT,
  });
  const admin = adminRoutes({ registry: devices, contract: loadApiContract() });
  for (const middleware of <Middleware[]>[
    validateRequests(loadApiContract()),
    ready,
    admin.routes(),
    admin.allowedMethods({ throw: true }),
  ])
    app.use(onPort(() => adminPort, middleware));
  for (const middleware of <Middleware[]>[
    ready,
    devicesRouter.routes(),
    devicesRouter.allowedMethods({ throw: true }),
  ])
    app.use(onPort(() => devicePort, middleware));

  const server = await listen(app, config.PORT, config.DEVICE_HOST ?? process.env.HOST);
  const adminServer = await listen(app, config.ADMIN_PORT);
  devicePort = server.port;
  adminPort = adminServer.port;
  logger.info(
    {
      port: server.port,
      adminPort: adminServer.port,
      registry: store.kind,
      broker: config.BROKER_URL ? config.BROKER_PROTOCOL : 'in-process',
      queue: config.QUEUE_NAME,
    },
    'device-ingest listening',
  );

  await untilDone(() => store.init(), logger, 'device registry');
  storeReady = true;
  await broker.connect();

  return {
    app,
    server,
    admin: adminServer,
    devices,
    async stop() {
      stopping = true;
      clearInterval(sweeper);
      // In-flight requests finish their publishes (bounded by PUBLISH_TIMEOUT and the grace).
      await Promise.all([server.close(5_000), adminServer.close(2_000)]);
      await store.close();
    },
  };
}

/** Runs `middleware` only for requests that arrived on `port()`; the others pass by. */
function onPort(port: () => number, middleware: Middleware): Middleware {
  return (ctx, next) => (ctx.req.socket.localPort === port() ? middleware(ctx, next) : next());
}

async function untilDone(
  operation: () => Promise<void>,
  logger: Logger,
  what: string,
): Promise<void> {
  const backoff = createBackoff({ initialMs: 500, maxMs: 10_000 });
  for (let attempt = 0; ; attempt++) {
    try {
      await operation();
      return;
    } catch (err) {
      logger.error({ err, attempt }, `${what} unavailable, retrying`);
      await new Promise((resolve) => setTimeout(resolve, backoff.next()));
    }
  }
}
