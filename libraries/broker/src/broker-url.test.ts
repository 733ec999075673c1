import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerConfigError, resolveBrokerEndpoint } from './broker-url.js';

describe('resolveBrokerEndpoint', () => {
  it('takes host, port and credentials from the URL', () => {
    const endpoint = resolveBrokerEndpoint('amqp://admin:s3cret@mq.example:5682');
    assert.equal(endpoint.host, 'mq.example');
    assert.equal(endpoint.port, 5682);
    assert.equal(endpoint.tls, false);
    assert.equal(endpoint.username, 'admin');
    assert.equal(endpoint.password, 's3cret');
    assert.equal(endpoint.redacted, 'amqp://admin:***@mq.example:5682');
  });

  it('lets explicit credentials override those in the URL, URL-encoding them', () => {
    const endpoint = resolveBrokerEndpoint('amqp://guest:guest@rabbit/', {
      username: 'fleet',
      password: 'p@ss:word/1',
    });
    assert.equal(endpoint.username, 'fleet');
    assert.equal(endpoint.password, 'p@ss:word/1');
    assert.equal(endpoint.url.password, 'p%40ss%3Aword%2F1');
    assert.equal(endpoint.redacted, 'amqp://fleet:***@rabbit/');
  });

  it('defaults the port from the scheme and flags TLS', () => {
    assert.equal(resolveBrokerEndpoint('amqp://h').port, 5672);
    const secure = resolveBrokerEndpoint('amqps://h');
    assert.equal(secure.port, 5671);
    assert.equal(secure.tls, true);
  });

  it('fails clearly on a bad URL without echoing the password in it', () => {
    assert.throws(
      () => resolveBrokerEndpoint('amqp://user:topsecret@:bad:port'),
      (error: unknown) =>
        error instanceof BrokerConfigError &&
        /not a valid URL/.test(error.message) &&
        !error.message.includes('topsecret'),
    );
    assert.throws(() => resolveBrokerEndpoint('http://host:5672'), /scheme must be amqp/);
  });
});
