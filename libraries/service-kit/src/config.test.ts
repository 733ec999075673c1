import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, env, loadConfig } from './config.js';
import { redactUrl } from './redact.js';

const schema = {
  PORT: env.port(8080),
  VEHICLES: env.int({ default: 20, min: 1, max: 100 }),
  SPEEDUP: env.number({ default: 1, min: 0.1, max: 1000 }),
  BROKER_URL: env.optionalUrl({ protocols: ['amqp:', 'amqps:'] }),
  BROKER_PROTOCOL: env.oneOf(['amqp-1.0', 'amqp-0-9-1'] as const, 'amqp-1.0'),
  TIMEOUT: env.duration({ default: '5s' }),
  DEBUG: env.bool(false),
};

const failure = (source: Record<string, string>): string => {
  try {
    loadConfig(schema, source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
};

test('defaults apply when variables are unset or empty', () => {
  const config = loadConfig(schema, { VEHICLES: '' });
  assert.deepEqual(
    { ...config },
    {
      PORT: 8080,
      VEHICLES: 20,
      SPEEDUP: 1,
      BROKER_URL: undefined,
      BROKER_PROTOCOL: 'amqp-1.0',
      TIMEOUT: 5000,
      DEBUG: false,
    },
  );
});

test('values are parsed and typed', () => {
  const config = loadConfig(schema, {
    PORT: '0',
    VEHICLES: '42',
    SPEEDUP: '2.5',
    BROKER_URL: 'amqp://u:p@broker:5672',
    BROKER_PROTOCOL: 'amqp-0-9-1',
    TIMEOUT: '2m',
    DEBUG: 'yes',
  });
  assert.equal(config.PORT, 0);
  assert.equal(config.VEHICLES, 42);
  assert.equal(config.SPEEDUP, 2.5);
  assert.equal(config.BROKER_PROTOCOL, 'amqp-0-9-1');
  assert.equal(config.TIMEOUT, 120_000);
  assert.equal(config.DEBUG, true);
});

test('a bad value names the variable and the reason in one line', () => {
  assert.equal(
    failure({ VEHICLES: 'abc' }),
    'VEHICLES: must be an integer between 1 and 100, got "abc"',
  );
  assert.equal(
    failure({ VEHICLES: '1.5' }),
    'VEHICLES: must be an integer between 1 and 100, got "1.5"',
  );
  assert.equal(
    failure({ PORT: '70000' }),
    'PORT: must be an integer between 0 and 65535, got "70000"',
  );
  assert.equal(
    failure({ BROKER_PROTOCOL: 'mqtt' }),
    'BROKER_PROTOCOL: must be one of amqp-1.0, amqp-0-9-1, got "mqtt"',
  );
  assert.equal(failure({ BROKER_URL: 'http://x' }), 'BROKER_URL: must use amqp or amqps, got http');
  assert.equal(
    failure({ TIMEOUT: 'soon' }),
    'TIMEOUT: must be a duration like 500ms, 10s or 2m within bounds, got "soon"',
  );
  assert.equal(failure({ DEBUG: 'maybe' }), 'DEBUG: must be true or false, got "maybe"');
  for (const message of [failure({ SPEEDUP: '0' })]) assert.doesNotMatch(message, /\n/);
});

test('a malformed URL is reported without its password', () => {
  const message = failure({ BROKER_URL: 'amqp://user:s3cret@[bad' });
  assert.match(message, /^BROKER_URL: must be a URL/);
  assert.doesNotMatch(message, /s3cret/);
  assert.equal(redactUrl('mongodb://a:b@h:1/db'), 'mongodb://a:***@h:1/db');
});
