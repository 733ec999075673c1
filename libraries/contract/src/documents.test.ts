import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadApiContract } from '@fleetman/service-kit';
import { parse } from 'yaml';
import { encodePosition, parsePositionMessage } from './position-message.js';
import { DEVICE_STATUSES } from './device.js';
import { HISTORY_FORMATS, POSITION_FLAGS, VEHICLE_STATUSES } from './vehicle.js';

// The TypeScript side of the contract and its documents must say the same thing.
const document = (name: string) =>
  parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, { enum?: unknown[] }> };
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ name: string; schema: { enum?: unknown[] } }> }>
    >;
  };
const openapi = document('openapi.yaml');
const contract = loadApiContract();

describe('contract documents', () => {
  it('list the statuses and history formats the types list', () => {
    assert.deepEqual(openapi.components.schemas.VehicleStatus?.enum, [...VEHICLE_STATUSES]);
    assert.deepEqual(openapi.components.schemas.PositionFlag?.enum, [...POSITION_FLAGS]);
    const format = openapi.paths['/vehicles/{id}/history']?.get?.parameters?.find(
      (p) => p.name === 'format',
    );
    assert.deepEqual(format?.schema.enum, [...HISTORY_FORMATS]);
  });

  it('list the device statuses the types list', () => {
    const device = openapi.components.schemas.Device as unknown as {
      properties: { status: { enum: unknown[] } };
    };
    assert.deepEqual(device.properties.status.enum, [...DEVICE_STATUSES]);
  });

  it('describe the position message encodePosition writes (JSON Schema in asyncapi.yaml)', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const body = encodePosition({
      vehicle: 'vehicle-0007',
      name: 'City Truck 7',
      lat: 57.70887,
      lng: 11.97456,
      time: new Date(now - 1000),
      speed: 9.7,
      heading: 139.1,
      accuracy: 3,
    });
    assert.deepEqual(contract.checkSchema('asyncapi', 'PositionMessage', JSON.parse(body)), []);
    assert.ok(parsePositionMessage(body, now).ok);
  });

  it('reject in the schema what the parser rejects for its shape', () => {
    const good = { v: 1, vehicle: 'truck-1', lat: 57.7, lng: 11.97, time: '2026-01-01T11:59:00Z' };
    for (const bad of [
      { ...good, v: 2 },
      { ...good, vehicle: 'a/b' },
      { ...good, lat: 91 },
      { ...good, time: '2026-01-01T11:00:00' },
      { ...good, speed: -1 },
      { ...good, name: 42 },
    ]) {
      assert.notDeepEqual(
        contract.checkSchema('asyncapi', 'PositionMessage', bad),
        [],
        JSON.stringify(bad),
      );
      assert.equal(
        parsePositionMessage(JSON.stringify(bad), Date.parse('2026-01-01T12:00:00Z')).ok,
        false,
      );
    }
  });
});
