/**
 * SPEEDUP on the whole pipeline with a REAL broker (ActiveMQ Classic over AMQP 1.0): simulator
 * at 10× → tracker → gateway. Fix times follow the simulated clock, so the speeds the tracker
 * serves are true ones and it rejects nothing as over-speed (at 10× with real-time stamps it
 * served 215 km/h trucks and dead-lettered ~6 % of fixes as faster than 150 m/s).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { VehicleView } from '@fleetman/contract';
import { startStack, type Stack } from '../src/stack.js';

const brokerUrl = process.env.TEST_ACTIVEMQ_URL;
const runId = `${Date.now().toString(36)}${process.pid}`;

async function metric(url: string, name: string): Promise<Array<[string, number]>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return [line.slice(0, at), Number(line.slice(at + 1))];
    });
}

describe('SPEEDUP=10 end to end (ActiveMQ)', () => {
  let stack: Stack;
  before(async () => {
    if (!brokerUrl) throw new Error('TEST_ACTIVEMQ_URL is not set: start the servers first');
    stack = await startStack({
      BROKER_URL: brokerUrl,
      BROKER_PROTOCOL: 'amqp-1.0',
      QUEUE_NAME: `positions.speedup.${runId}`,
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: '0',
      TRACKER_PORT: '0',
      SIMULATOR_PORT: '0',
      VEHICLES: '30',
      FIX_INTERVAL_MS: '1000',
      SPEEDUP: '10',
      SPEEDUP_FOR: '1h',
      STOP_PROBABILITY: '0.01',
    });
  });
  after(() => stack?.stop());

  test('the tracker serves true speeds and rejects nothing', { timeout: 120_000 }, async () => {
    const tracker = stack.tracker.server.url;
    // 30 vehicles × 10 fixes per real second; a few simulated minutes of driving.
    for (;;) {
      const [[, consumed] = ['', 0]] = await metric(tracker, 'positions_consumed_total');
      if (consumed >= 3_000) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rejected = await metric(tracker, 'positions_rejected_total{');
    assert.deepEqual(
      rejected.filter(([, count]) => count > 0),
      [],
      'no fix dead-lettered (over-speed, future time…)',
    );
    const vehicles = (await (await fetch(`${stack.url}api/vehicles`)).json()) as VehicleView[];
    assert.equal(vehicles.length, 30);
    const speeds = vehicles.map((v) => v.speed);
    // Urban driving (mean moving ~40 km/h, 95 % under 70): nothing near 150 km/h.
    assert.ok(Math.max(...speeds) < 30, `speeds (m/s): ${speeds.join(' ')}`);
    assert.ok(
      vehicles.every((v) => Date.parse(v.time) <= Date.now()),
      'no fix dated in the future',
    );
  });
});
