import { type Broker, type Subscription } from '@fleetman/broker';
import {
  mongoDatabaseName,
  createBackoff,
  createHttpApp,
  Gauge,
  listen,
  loadApiContract,
  validateRequests,
  type ConfigOf,
  type Logger,
  type Registry,
  type RunningServer,
} from '@fleetman/service-kit';
import { STREAM_EVENTS } from '@fleetman/contract';
import type Koa from 'koa';
import type { trackerConfigSchema } from './config.js';
import type { PositionStore } from './data/position-store.js';
import { vehicleRoutes } from './http/vehicle-routes.js';
import { toView } from './domain/vehicle-state.js';
import { LiveFeed } from './live/live-feed.js';
import { positionHandler } from './messaging/position-handler.js';
import { Ingestor } from './tracking/ingestor.js';
import { PresenceWatch, StatusTransitions } from './tracking/presence.js';
import { createTrackerMetrics } from './tracking/tracker-metrics.js';

import { MemoryStore } from './data/memory-store.js';
import { MongoStore } from './data/mongo-store.js';

export { trackerConfigSchema } from './config.js';
export { MemoryStore, MongoStore };
export type { PositionStore } from './data/position-store.js';

export type TrackerConfig = ConfigOf<typeof trackerConfigSchema>;

export interface TrackerDeps {
  config: TrackerConfig;
  logger: Logger;
  registry: Registry;
  broker: Broker;
  store: PositionStore;
  /** The process lifecycle's flag, so /readyz turns 503 as soon as a shutdown begins (drain). */
  isStopping?: () => boolean;
  /** Tests shorten the SSE heartbeat. */
  heartbeatMs?: number;
}

export interface RunningTracker {
  app: Koa;
  server: RunningServer;
  ingestor: Ingestor;
  feed: LiveFeed;
  /**
   * Offline/online transitions, the one source for anything that reacts to them: the stream's
   * `status` events subscribe here, and so should alerts.
   */
  transitions: StatusTransitions;
  /** Graceful stop in dependency order: consumer → pending writes → HTTP → store. */
  stop(): Promise<void>;
}

/** MONGO_URL set → MongoDB; unset → the embedded in-memory store. */
export function createStore(config: TrackerConfig, logger: Logger): PositionStore {
  if (!config.MONGO_URL) return new MemoryStore();
  return new MongoStore({
    url: config.MONGO_URL,
    username: config.MONGO_USERNAME,
    password: config.MONGO_PASSWORD,
    database: mongoDatabaseName(config.MONGO_URL, config.MONGO_DATABASE),
    retention: config.MONGO_RETENTION,
    retentionMs: config.HISTORY_RETENTION,
    logger,
  });
}

/**
 * Starts the tracker: HTTP first (so /livez answers while dependencies come up), then the store
 * (retried until it answers), the hot map from the store, and only then the consumer.
 */
export async function startTracker({
  config,
  logger,
  registry,
  broker,
  store,
  isStopping,
  heartbeatMs,
}: TrackerDeps): Promise<RunningTracker> {
  const feed = new LiveFeed(config.STREAM_BUFFER);
  const transitions = new StatusTransitions();
  // Each transition is a sequenced `status` event, resumable like positions.
  transitions.subscribe(({ state, previousStatus }) =>
    feed.publish(STREAM_EVENTS.status, { ...toView(state), previousStatus }),
  );
  // The gauge reads the map only when scraped, after `ingestor` exists.
  const metrics = createTrackerMetrics(registry, () => ingestor.vehicles.size);
  const ingestor = new Ingestor({
    store,
    feed,
    metrics,
    logger,
    batchSize: config.BATCH_SIZE,
    checkpointMs: config.STATE_CHECKPOINT,
    maxWaitMs: config.BATCH_MAX_WAIT,
    transitions,
  });
  const presence = new PresenceWatch({
    vehicles: ingestor.vehicles,
    offlineAfterMs: config.OFFLINE_AFTER,
    transitions,
    onChange: (id) => ingestor.markChanged(id),
  });
  const sseClients = new Gauge({
    name: 'sse_clients',
    help: 'Open Server-Sent Events streams',
    registers: [registry],
  });

  let stopping = false;
  let storeReady = false;
  let subscription: Subscription | undefined;
  const app = createHttpApp({
    logger,
    registry,
    isStopping: () => stopping || (isStopping?.() ?? false),
    readiness: () => ({
      store: storeReady && store.isHealthy(),
      broker: broker.isConnected(),
      consumer: subscription !== undefined,
    }),
  });
  const routes = vehicleRoutes({
    vehicles: ingestor.vehicles,
    store,
    feed,
    sseClients,
    heartbeatMs,
  });
  // Every request is checked against openapi.yaml before a route sees it.
  app.use(validateRequests(loadApiContract()));
  app.use(routes.routes()).use(routes.allowedMethods({ throw: true })); // 405/501 as JSON errors
  const server = await listen(app, config.PORT);
  logger.info(
    {
      port: server.port,
      store: store.kind,
      broker: config.BROKER_URL ? config.BROKER_PROTOCOL : 'in-process',
    },
    'tracker listening',
  );

  await untilDone(() => store.init(), logger, 'store');
  await ingestor.load();
  // From the loaded states on: a vehicle silent since before a restart goes offline at once.
  presence.start();
  storeReady = true;
  await broker.connect();
  subscription = await broker.consume(
    config.QUEUE_NAME,
    positionHandler({ ingestor, metrics, logger }),
    { prefetch: config.PREFETCH },
  );
  logger.info({ queue: config.QUEUE_NAME, vehicles: ingestor.vehicles.size }, 'tracker consuming');

  const sweeper = setInterval(() => {
    store.sweep(new Date(Date.now() - config.HISTORY_RETENTION)).then(
      (removed) => removed > 0 && logger.info({ removed }, 'history retention sweep'),
      (err: unknown) => logger.warn({ err }, 'history retention sweep failed'),
    );
  }, 10 * 60_000).unref();

  return {
    app,
    server,
    ingestor,
    feed,
    transitions,
    async stop() {
      stopping = true;
      clearInterval(sweeper);
      presence.stop();
      // Together: a batch stuck on a dead database must be released for the cancel to finish.
      await Promise.all([subscription?.cancel(), ingestor.stop()]);
      await server.close(2_000);
      await store.close();
    },
  };
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
