import { type Broker } from '@fleetman/broker';
import { encodePosition, parsePositionMessage, type PositionFix } from '@fleetman/contract';
import type { DeviceFix, FixProblem, FixRejectReason } from '../protocols/device-fix.js';
import type { DeviceRecord } from '../registry/device-store.js';

export interface FixPublisherOptions {
  broker: Broker;
  queue: string;
  timeoutMs: number;
}

export class PublishTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the broker did not confirm within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

/** The contract's reasons that can still happen after decoding (time checked against now). */
const CONTRACT_REASONS: Partial<Record<string, FixRejectReason>> = {
  absurd_time: 'absurd_time',
  bad_time: 'bad_time',
  bad_coordinates: 'bad_coordinates',
};

/**
 * Turns a device's fixes into contract messages for its vehicle and publishes them durably. Each
 * message is parsed back with the tracker's own parser before it is sent, so nothing the tracker
 * would dead-letter reaches the queue. `publish` resolves only when the broker has confirmed
 * every message (then the device may get its 200); otherwise it rejects and the device retries
 * the whole request: a fix sent twice is stored once (history is unique on vehicle + time).
 */
export function fixPublisher({ broker, queue, timeoutMs }: FixPublisherOptions) {
  return {
    /** Messages for the fixes that pass the contract; the others with their reason. */
    prepare(
      device: DeviceRecord,
      fixes: DeviceFix[],
      now = Date.now(),
    ): { messages: string[]; problems: FixProblem[] } {
      const messages: string[] = [];
      const problems: FixProblem[] = [];
      // Oldest first: the tracker then computes speed and heading between consecutive fixes.
      for (const fix of [...fixes].sort((a, b) => a.time.getTime() - b.time.getTime())) {
        const message: PositionFix = {
          vehicle: device.vehicle,
          name: device.name,
          lat: fix.lat,
          lng: fix.lng,
          time: fix.time,
          ...(fix.speed !== undefined && { speed: fix.speed }),
          ...(fix.heading !== undefined && { heading: fix.heading }),
          ...(fix.accuracy !== undefined && { accuracy: fix.accuracy }),
        };
        const body = encodePosition(message);
        const parsed = parsePositionMessage(body, now);
        if (parsed.ok) messages.push(body);
        else
          problems.push({
            reason: CONTRACT_REASONS[parsed.reason] ?? 'bad_field',
            detail: parsed.detail,
          });
      }
      return { messages, problems };
    },

    async publish(messages: string[], correlationId: string): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PublishTimeoutError(timeoutMs)), timeoutMs);
      });
      try {
        await Promise.race([
          Promise.all(
            messages.map((body) =>
              broker.publish(queue, { body, contentType: 'application/json', correlationId }),
            ),
          ),
          deadline,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type FixPublisher = ReturnType<typeof fixPublisher>;
