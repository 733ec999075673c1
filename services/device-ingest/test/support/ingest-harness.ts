import { randomUUID } from 'node:crypto';
import { createBroker, type Broker, type IncomingMessage } from '@fleetman/broker';
import { createLogger, createRegistry, loadConfig } from '@fleetman/service-kit';
import { contractFetch } from '@fleetman/service-kit/testing';
import {
  ingestConfigSchema,
  MemoryDeviceStore,
  startIngest,
  type DeviceStore,
  type RunningIngest,
} from '../../src/service.js';

export const logger = createLogger({
  service: 'device-ingest-test',
  level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent',
});

export interface IngestHarness {
  ingest: RunningIngest;
  broker: Broker;
  queue: string;
  /** The devices' base URL (`http://127.0.0.1:port`). */
  url: string;
  adminUrl: string;
  register(id: string, vehicle: string, name?: string): Promise<string>;
  metric(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A device-ingest on ports 0 with the broker and store given (default: in-process + memory). */
export async function startIngestHarness(
  options: { broker?: Broker; store?: DeviceStore; env?: Record<string, string> } = {},
): Promise<IngestHarness> {
  const queue = options.env?.QUEUE_NAME ?? `positions-${randomUUID()}`;
  const config = loadConfig(ingestConfigSchema, {
    PORT: '0',
    ADMIN_PORT: '0',
    QUEUE_NAME: queue,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const broker = options.broker ?? createBroker({ protocol: 'amqp-1.0', logger });
  const registry = createRegistry();
  const ingest = await startIngest({
    config,
    logger,
    registry,
    broker,
    store: options.store ?? new MemoryDeviceStore(),
  });
  const adminUrl = ingest.admin.url;
  return {
    ingest,
    broker,
    queue,
    url: ingest.server.url,
    adminUrl,
    async register(id, vehicle, name) {
      const response = await contractFetch(`${adminUrl}/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, vehicle, ...(name && { name }) }),
      });
      if (response.status !== 201) throw new Error(`register ${id}: ${await response.text()}`);
      return ((await response.json()) as { secret: string }).secret;
    },
    async metric(name) {
      const text = await registry.metrics();
      return text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .join('\n');
    },
    async stop() {
      await ingest.stop();
      await broker.close();
    },
  };
}

/** Everything published to `queue`, as it arrives. */
export async function collect(broker: Broker, queue: string) {
  const messages: IncomingMessage[] = [];
  const subscription = await broker.consume(queue, async (message) => {
    messages.push(message);
    return { kind: 'ack' };
  });
  return { messages, subscription };
}

export const metricValue = (text: string, labels: string): number => {
  const line = text.split('\n').find((l) => l.includes(labels));
  return line ? Number(line.split(' ').pop()) : NaN;
};
