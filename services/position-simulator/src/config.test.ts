import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@fleetman/service-kit';
import { simulatorConfigSchema } from './config.js';
import { SHIPPED_TRACKS_DIR } from './tracks/load-tracks.js';

const load = (env: Record<string, string>) => loadConfig(simulatorConfigSchema, env);

describe('simulatorConfigSchema', () => {
  it('defaults to the shipped tracks, one vehicle per track, real time, light noise', () => {
    const config = load({});
    assert.equal(config.PORT, 8082);
    assert.equal(config.QUEUE_NAME, 'positionQueue');
    assert.equal(config.TRACKS_DIR, SHIPPED_TRACKS_DIR);
    assert.equal(config.VEHICLES, undefined);
    assert.equal(config.SPEEDUP, 1);
    assert.equal(config.SPEEDUP_FOR, 3_600_000);
    assert.equal(config.FIX_INTERVAL_MS, 5000);
    assert.equal(config.NOISE_M, 3);
    assert.equal(
      config.STOP_PROBABILITY +
        config.DROPOUT_PROBABILITY +
        config.DUPLICATE_PROBABILITY +
        config.OUT_OF_ORDER_PROBABILITY,
      0,
    );
    assert.equal(config.BROKER_URL, undefined);
    assert.equal(config.BROKER_PROTOCOL, 'amqp-1.0');
  });

  it('reads a load-generator setting', () => {
    const config = load({
      VEHICLES: '5000',
      SPEEDUP: '2.5',
      FIX_INTERVAL_MS: '1000',
      SEED: '99',
      DUPLICATE_PROBABILITY: '0.01',
    });
    assert.deepEqual(
      [
        config.VEHICLES,
        config.SPEEDUP,
        config.FIX_INTERVAL_MS,
        config.SEED,
        config.DUPLICATE_PROBABILITY,
      ],
      [5000, 2.5, 1000, 99, 0.01],
    );
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ VEHICLES: '0' }, /^VEHICLES: must be an integer between 1 and 100000, got "0"$/],
    [{ VEHICLES: 'lots' }, /^VEHICLES: /],
    [{ VEHICLES: '2.5' }, /^VEHICLES: /],
    [{ SPEEDUP: '0' }, /^SPEEDUP: must be a number between 0.1 and 1000/],
    [{ FIX_INTERVAL_MS: '10' }, /^FIX_INTERVAL_MS: /],
    [{ SPEEDUP_FOR: 'forever' }, /^SPEEDUP_FOR: /],
    [{ STOP_PROBABILITY: '1.5' }, /^STOP_PROBABILITY: must be a number between 0 and 1/],
    [{ NOISE_M: '-1' }, /^NOISE_M: /],
    [{ SEED: '-3' }, /^SEED: /],
    [{ BROKER_PROTOCOL: 'mqtt' }, /^BROKER_PROTOCOL: must be one of amqp-1.0, amqp-0-9-1/],
    [{ BROKER_URL: 'http://broker:5672' }, /^BROKER_URL: must use amqp or amqps/],
    [{ PORT: '70000' }, /^PORT: /],
  ];
  for (const [env, message] of bad) {
    it(`rejects ${JSON.stringify(env)} naming the variable`, () => {
      assert.throws(
        () => load(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});
