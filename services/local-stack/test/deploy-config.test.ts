/**
 * The Kubernetes bases and the code agree on configuration: every variable a base's
 * config.env sets is one the service reads, and the values pass its validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig, type Parser } from '@fleetman/service-kit';
import { gatewayConfigSchema } from '@fleetman/api-gateway';
import { simulatorConfigSchema } from '@fleetman/position-simulator';
import { trackerConfigSchema } from '@fleetman/position-tracker';
import { ingestConfigSchema } from '@fleetman/device-ingest';

const schemas: Record<string, Record<string, Parser<unknown>>> = {
  'position-simulator': simulatorConfigSchema,
  'position-tracker': trackerConfigSchema,
  'api-gateway': gatewayConfigSchema,
  'device-ingest': ingestConfigSchema,
};

for (const [service, schema] of Object.entries(schemas)) {
  test(`${service}: deploy/config.env sets only known variables, with valid values`, () => {
    const text = readFileSync(
      new URL(`../../${service}/deploy/config.env`, import.meta.url),
      'utf8',
    );
    const entries = Object.fromEntries(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const unknown = Object.keys(entries).filter((name) => !(name in schema));
    assert.deepEqual(unknown, [], `variables ${service} does not read`);
    assert.doesNotThrow(() => loadConfig(schema, entries));
  });
}
