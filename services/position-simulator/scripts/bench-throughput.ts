/**
 * How many fixes per second one simulator process generates and publishes into the in-process
 * broker (a consumer acks everything), for a fleet of --vehicles. Not a test: a figure for the README.
 *
 *   node --import tsx --conditions=development services/position-simulator/scripts/bench-throughput.ts \
 *     [--vehicles 5000] [--seconds 10] [--interval 1000] [--speedup 1]
 *
 * With --speedup 1 it shows whether the process keeps up with real time (lag stays ~0) and what
 * CPU that costs; a large --speedup asks for more than it can do, so the rate is its ceiling.
 * The event-loop delay (p99, max) says whether timers, HTTP and SIGTERM still get their turn
 * while the loop runs behind: the measurement the unit tests must not make (it depends on load).
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createBroker } from '@fleetman/broker';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import { Route } from '../src/domain/route.js';
import { FleetSimulation } from '../src/domain/simulation.js';
import { simulatorConfigSchema, startSimulator } from '../src/service.js';
import { loadTracks, SHIPPED_TRACKS_DIR } from '../src/tracks/load-tracks.js';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    interval: { type: 'string', default: '1000' },
    speedup: { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);

// 1. The engine alone: simulated fixes per CPU second, no broker, no JSON.
const routes = (await loadTracks(SHIPPED_TRACKS_DIR)).map((t) => new Route(t.name, t.points));
const engine = new FleetSimulation({
  routes,
  vehicles: Number(values.vehicles),
  fixIntervalMs: Number(values.interval),
  seed: 1,
  start: new Date(0),
});
const engineStart = performance.now();
let engineFixes = 0;
for (let t = 0; performance.now() - engineStart < 3000; t += Number(values.interval)) {
  engineFixes += engine.advanceTo(t).length;
}
const engineRate = engineFixes / ((performance.now() - engineStart) / 1000);

// 2. The whole service: engine → JSON → broker publish (awaited) → consumer ack.
const logger = createLogger({ service: 'bench', level: 'warn' });
const broker = createBroker({ protocol: 'amqp-1.0', logger });
const queue = `bench-${randomUUID()}`;
let consumed = 0;
await broker.connect();
await broker.consume(queue, async () => (consumed++, { kind: 'ack' }), { prefetch: 1000 });
const registry = createRegistry();
const config = loadConfig(simulatorConfigSchema, {
  PORT: '0',
  QUEUE_NAME: queue,
  VEHICLES: values.vehicles!,
  FIX_INTERVAL_MS: values.interval!,
  SPEEDUP: values.speedup!,
});
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const simulator = await startSimulator({ config, logger, registry, broker });
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const metrics = await registry.getMetricsAsJSON();
await simulator.stop();
const wall = (performance.now() - wallBefore) / 1000;
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
await broker.close();
const gauge = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value ?? NaN;
const published = gauge('positions_published_total');
const demanded =
  (Number(values.vehicles) * 1000 * Number(values.speedup)) / Number(values.interval);

console.log(
  JSON.stringify(
    {
      vehicles: Number(values.vehicles),
      fixIntervalMs: Number(values.interval),
      speedup: Number(values.speedup),
      engineOnlyFixesPerSecond: Math.round(engineRate),
      demandedFixesPerSecond: Math.round(demanded),
      publishedFixesPerSecond: Math.round(published / wall),
      consumed,
      lagSecondsAtEnd: Number(gauge('simulator_lag_seconds').toFixed(2)),
      eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
      eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6),
      cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      node: process.version,
    },
    null,
    2,
  ),
);
