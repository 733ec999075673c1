import { brokerConfigSchema } from '@fleetman/broker';
import { env, serviceConfigSchema } from '@fleetman/service-kit';

/** Every setting of the tracker; README.md documents the same table. */
export const trackerConfigSchema = {
  ...serviceConfigSchema({ port: 8081 }),
  ...brokerConfigSchema,
  PREFETCH: env.int({ default: 500, min: 1, max: 10_000 }),
  MONGO_URL: env.optionalUrl({ protocols: ['mongodb:', 'mongodb+srv:'] }),
  MONGO_USERNAME: env.optionalString(),
  MONGO_PASSWORD: env.optionalString(),
  MONGO_DATABASE: env.string({ default: 'fleetman' }),
  MONGO_RETENTION: env.oneOf(['auto', 'ttl', 'sweep'] as const, 'auto'),
  HISTORY_RETENTION: env.duration({ default: '7d', min: 60_000 }),
  BATCH_SIZE: env.int({ default: 500, min: 1, max: 10_000 }),
  BATCH_MAX_WAIT: env.duration({ default: '20ms', min: 0, max: 10_000 }),
  /** How often changed latest states are saved (off the acknowledgement path). */
  STATE_CHECKPOINT: env.duration({ default: '5s', min: 100, max: 600_000 }),
  /** No contact for this long → offline, pushed on the stream by a timer (not derived on read). */
  OFFLINE_AFTER: env.duration({ default: '2m', min: 500, max: 86_400_000 }),
  STREAM_BUFFER: env.int({ default: 10_000, min: 100, max: 1_000_000 }),
};
