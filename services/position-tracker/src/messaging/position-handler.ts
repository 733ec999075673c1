import { type MessageHandler } from '@fleetman/broker';
import { parsePositionMessage } from '@fleetman/contract';
import { type Logger } from '@fleetman/service-kit';
import type { Ingestor } from '../tracking/ingestor.js';
import type { TrackerMetrics } from '../tracking/tracker-metrics.js';

/**
 * One message in, one outcome out: unusable messages are dead-lettered with their reason, counted
 * and logged once; good ones are acknowledged only after they are stored. A store failure throws,
 * so the broker redelivers the message instead of it being lost.
 */
export function positionHandler({
  ingestor,
  metrics,
  logger,
}: {
  ingestor: Ingestor;
  metrics: TrackerMetrics;
  logger: Logger;
}): MessageHandler {
  return async (message) => {
    const parsed = parsePositionMessage(message.body);
    if (!parsed.ok) {
      metrics.rejected.labels({ reason: parsed.reason }).inc();
      logger.warn(
        {
          reqId: message.correlationId,
          reason: parsed.reason,
          detail: parsed.detail,
          bytes: message.body.length,
        },
        'position rejected to the dead-letter queue',
      );
      return { kind: 'dead-letter', reason: `${parsed.reason}: ${parsed.detail}` };
    }
    await ingestor.submit(parsed.fix);
    return { kind: 'ack' };
  };
}
