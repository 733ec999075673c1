import { createBroker, type Broker } from '@fleetman/broker';
import { encodePosition, type PositionFix } from '@fleetman/contract';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import {
  MemoryStore,
  startTracker,
  trackerConfigSchema,
  type PositionStore,
  type RunningTracker,
} from '../../src/service.js';

export interface Harness {
  tracker: RunningTracker;
  broker: Broker;
  store: PositionStore;
  url: string;
  queue: string;
  publish(fix: PositionFix | Buffer): Promise<void>;
  metric(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A tracker on port 0 with the broker and store given (default: in-process broker + memory store).
 * Integration tests pass real ones.
 */
export async function startHarness(
  options: { broker?: Broker; store?: PositionStore; env?: Record<string, string> } = {},
): Promise<Harness> {
  const queue =
    options.env?.QUEUE_NAME ?? `positions-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig(trackerConfigSchema, {
    PORT: '0',
    QUEUE_NAME: queue,
    LOG_LEVEL: 'silent',
    BATCH_MAX_WAIT: '5ms',
    ...options.env,
  });
  const logger = createLogger({
    service: 'position-tracker',
    level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
  });
  const broker = options.broker ?? createBroker({ protocol: 'amqp-1.0', logger });
  const store = options.store ?? new MemoryStore();
  const registry = createRegistry();
  const tracker = await startTracker({ config, logger, registry, broker, store, heartbeatMs: 200 });
  return {
    tracker,
    broker,
    store,
    queue,
    url: tracker.server.url,
    publish: (fix) =>
      broker.publish(queue, {
        body: Buffer.isBuffer(fix) ? fix : encodePosition(fix),
        contentType: 'application/json',
      }),
    metric: async (name) => {
      const text = await registry.metrics();
      return text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .join('\n');
    },
    async stop() {
      await tracker.stop();
      await broker.close();
    },
  };
}

const T0 = Date.now() - 60_000;
/** 1 m of latitude ≈ 1/111,337.9° at 57.7° N. */
export const fixAt = (vehicle: string, second: number, northMetres: number): PositionFix => ({
  vehicle,
  name: `Van ${vehicle}`,
  lat: 57.7 + northMetres / 111_337.9,
  lng: 11.97,
  time: new Date(T0 + second * 1000),
});
