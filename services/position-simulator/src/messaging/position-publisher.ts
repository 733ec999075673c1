import { randomUUID } from 'node:crypto';
import { type Broker } from '@fleetman/broker';
import { encodePosition } from '@fleetman/contract';
import { Counter, type Logger, type Registry } from '@fleetman/service-kit';
import type { SimulatedFix } from '../domain/simulation.js';

export interface PositionPublisherOptions {
  broker: Broker;
  queue: string;
  registry: Registry;
  logger: Logger;
}

/**
 * Sends one fix as one contract message (JSON v1). Each message gets its own correlation id: it is
 * the request id of that fix, so the tracker's log lines for it can be found from ours.
 */
export function positionPublisher({ broker, queue, registry, logger }: PositionPublisherOptions) {
  const published = new Counter({
    name: 'positions_published_total',
    help: 'Position messages the broker confirmed',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'positions_publish_failures_total',
    help: 'Position messages that could not be sent (dropped, as a device would lose them)',
    registers: [registry],
  });
  // One warning per window, not one per fix: a dead broker at 5000 fixes/s must not flood the logs.
  let lastWarnAt = 0;
  let unreported = 0;
  return {
    async publish(fix: SimulatedFix): Promise<void> {
      const reqId = randomUUID();
      await broker.publish(queue, {
        body: encodePosition(fix),
        contentType: 'application/json',
        correlationId: reqId,
      });
      published.inc();
      logger.trace({ reqId, vehicle: fix.vehicle, time: fix.time }, 'position published');
    },
    onFailure(error: unknown): void {
      failed.inc();
      unreported++;
      if (Date.now() - lastWarnAt < 10_000) return;
      logger.warn({ err: error, dropped: unreported }, 'positions not published');
      lastWarnAt = Date.now();
      unreported = 0;
    },
  };
}
