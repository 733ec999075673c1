import { brokerConfigSchema } from '@fleetman/broker';
import { ConfigError, env, serviceConfigSchema, type Parser } from '@fleetman/service-kit';
import { SHIPPED_TRACKS_DIR } from './tracks/load-tracks.js';

const probability = (): Parser<number> => env.number({ default: 0, min: 0, max: 1 });

/** Unset means "one vehicle per track". */
const optionalFleetSize: Parser<number | undefined> = (raw, name) => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new ConfigError(name, `must be an integer between 1 and 100000, got "${raw}"`);
  }
  return value;
};

/** Every setting of the simulator; README.md documents the same table. */
export const simulatorConfigSchema = {
  ...serviceConfigSchema({ port: 8082 }),
  ...brokerConfigSchema,
  TRACKS_DIR: env.string({ default: SHIPPED_TRACKS_DIR }),
  VEHICLES: optionalFleetSize,
  SPEEDUP: env.number({ default: 1, min: 0.1, max: 1000 }),
  /** How long (real time) SPEEDUP > 1 fast-forwards before the simulated clock reaches now. */
  SPEEDUP_FOR: env.duration({ default: '1h', min: 1_000, max: 30 * 86_400_000 }),
  FIX_INTERVAL_MS: env.int({ default: 5000, min: 100, max: 3_600_000 }),
  SEED: env.int({ default: 1, min: 0, max: 4_294_967_295 }),
  NOISE_M: env.number({ default: 3, min: 0, max: 1000 }),
  STOP_PROBABILITY: probability(),
  DROPOUT_PROBABILITY: probability(),
  DUPLICATE_PROBABILITY: probability(),
  OUT_OF_ORDER_PROBABILITY: probability(),
  /** Unconfirmed publishes in flight; beyond it the simulation waits (backpressure). */
  PUBLISH_CONCURRENCY: env.int({ default: 64, min: 1, max: 10_000 }),
};
