import { type Broker } from '@fleetman/broker';
import {
  createHttpApp,
  Gauge,
  listen,
  type ConfigOf,
  type Logger,
  type Registry,
  type RunningServer,
} from '@fleetman/service-kit';
import type Koa from 'koa';
import type { simulatorConfigSchema } from './config.js';
import { Route } from './domain/route.js';
import { SimClock } from './domain/sim-clock.js';
import { FleetSimulation } from './domain/simulation.js';
import { positionPublisher } from './messaging/position-publisher.js';
import { ReplayLoop } from './replay/replay-loop.js';
import { loadTracks } from './tracks/load-tracks.js';

export { simulatorConfigSchema } from './config.js';
export type SimulatorConfig = ConfigOf<typeof simulatorConfigSchema>;

export interface SimulatorDeps {
  config: SimulatorConfig;
  logger: Logger;
  registry: Registry;
  /** Injected so the local all-in-one runner can share its in-process broker; the caller closes it. */
  broker: Broker;
  /** The process lifecycle's flag, so /readyz turns 503 as soon as a shutdown begins (drain). */
  isStopping?: () => boolean;
}

export interface RunningSimulator {
  app: Koa;
  server: RunningServer;
  simulation: FleetSimulation;
  /** Graceful stop: stop generating → wait for unconfirmed sends → close HTTP. */
  stop(): Promise<void>;
}

/**
 * Starts the simulator: tracks first (a bad file stops the start with its name), HTTP next (so
 * /livez answers while the broker comes up), then the broker connection, then the replay.
 */
export async function startSimulator({
  config,
  logger,
  registry,
  broker,
  isStopping,
}: SimulatorDeps): Promise<RunningSimulator> {
  const tracks = await loadTracks(config.TRACKS_DIR);
  const routes = tracks.map((track) => new Route(track.name, track.points));
  const startedAt = Date.now();
  // SPEEDUP > 1 starts in the past (fix times are simulated time and never ahead of now).
  const clock = SimClock.fastForward(config.SPEEDUP, startedAt, config.SPEEDUP_FOR);
  const simulation = new FleetSimulation({
    routes,
    vehicles: config.VEHICLES ?? routes.length,
    fixIntervalMs: config.FIX_INTERVAL_MS,
    seed: config.SEED,
    start: new Date(clock.simulatedAt(startedAt)),
    realism: {
      noiseM: config.NOISE_M,
      stopProbability: config.STOP_PROBABILITY,
      dropoutProbability: config.DROPOUT_PROBABILITY,
      duplicateProbability: config.DUPLICATE_PROBABILITY,
      outOfOrderProbability: config.OUT_OF_ORDER_PROBABILITY,
    },
  });

  new Gauge({
    name: 'simulator_vehicles',
    help: 'Vehicles being simulated',
    registers: [registry],
  }).set(simulation.size);
  const lag = new Gauge({
    name: 'simulator_lag_seconds',
    help: 'How far the simulation runs behind real time (broker backpressure or CPU)',
    registers: [registry],
  });
  const publisher = positionPublisher({ broker, queue: config.QUEUE_NAME, registry, logger });
  const loop = new ReplayLoop(
    {
      simulation,
      clock,
      publish: publisher.publish,
      concurrency: config.PUBLISH_CONCURRENCY,
      logger,
      onLag: (ms) => lag.set(ms / 1000),
      onPublishFailed: publisher.onFailure,
    },
    config.FIX_INTERVAL_MS,
  );

  let stopping = false;
  const app = createHttpApp({
    logger,
    registry,
    isStopping: () => stopping || (isStopping?.() ?? false),
    readiness: () => ({ broker: broker.isConnected() }),
  });
  const server = await listen(app, config.PORT);
  logger.info(
    {
      port: server.port,
      broker: config.BROKER_URL ? config.BROKER_PROTOCOL : 'in-process',
      queue: config.QUEUE_NAME,
      tracks: routes.length,
      vehicles: simulation.size,
      fixIntervalMs: config.FIX_INTERVAL_MS,
      speedup: config.SPEEDUP,
      simulatedStart: simulation.clock.toISOString(),
      seed: config.SEED,
    },
    'simulator listening',
  );

  await broker.connect();
  loop.start();
  logger.info(
    { fixesPerSecond: (simulation.size * 1000 * config.SPEEDUP) / config.FIX_INTERVAL_MS },
    'replay started',
  );

  return {
    app,
    server,
    simulation,
    async stop() {
      stopping = true;
      await loop.stop();
      await server.close(2_000);
    },
  };
}
