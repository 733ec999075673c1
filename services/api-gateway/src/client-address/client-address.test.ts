import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@fleetman/service-kit';
import { resolveClientAddress } from './client-address.js';
import { TrustedProxies, trustedProxiesParser } from './trusted-proxies.js';

const parse = (raw: string | undefined) => trustedProxiesParser()(raw, 'TRUSTED_PROXIES');

describe('TRUSTED_PROXIES', () => {
  it('reads addresses and CIDR ranges, IPv4 and IPv6; unset trusts no one', () => {
    const trusted = parse('10.0.0.0/8, 192.168.1.7 fd00::/8,::1');
    assert.ok(trusted.trusts('10.1.2.3'));
    assert.ok(trusted.trusts('192.168.1.7'));
    assert.ok(!trusted.trusts('192.168.1.8'));
    assert.ok(trusted.trusts('fd00::5'));
    assert.ok(trusted.trusts('::1'));
    assert.ok(!trusted.trusts('203.0.113.9'));
    assert.ok(!trusted.trusts('not-an-address'));
    assert.ok(!parse(undefined).trusts('127.0.0.1'));
  });

  it('rejects a malformed entry with one line naming it', () => {
    for (const raw of ['10.0.0.0/33', 'nginx', '10.0.0/8', '1.2.3.4/8/9', '::1/129', '10.0.0.1/']) {
      assert.throws(
        () => parse(raw),
        (err: unknown) =>
          err instanceof ConfigError &&
          /^TRUSTED_PROXIES: must be IP addresses or CIDR ranges/.test(err.message) &&
          !err.message.includes('\n'),
        raw,
      );
    }
  });
});

describe('the client address', () => {
  const nginx = parse('10.0.0.5');
  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    assert.equal(resolveClientAddress('203.0.113.9', '198.51.100.1', nginx), '203.0.113.9');
    assert.equal(
      resolveClientAddress('127.0.0.1', '198.51.100.1', TrustedProxies.none),
      '127.0.0.1',
    );
  });

  it('is the entry the trusted proxy added, not one the client sent before it', () => {
    assert.equal(resolveClientAddress('10.0.0.5', '198.51.100.1', nginx), '198.51.100.1');
    // The client sent "X-Forwarded-For: 1.2.3.4" and nginx appended the real address.
    assert.equal(resolveClientAddress('10.0.0.5', '1.2.3.4, 198.51.100.1', nginx), '198.51.100.1');
  });

  it('walks past several trusted hops and stops at a broken entry', () => {
    const chain = parse('10.0.0.0/8');
    assert.equal(
      resolveClientAddress('10.0.0.5', '1.2.3.4, 198.51.100.1, 10.9.9.9', chain),
      '198.51.100.1',
    );
    assert.equal(resolveClientAddress('10.0.0.5', '10.1.1.1, 10.2.2.2', chain), '10.1.1.1');
    assert.equal(resolveClientAddress('10.0.0.5', '198.51.100.1, junk', chain), '10.0.0.5');
    assert.equal(resolveClientAddress('10.0.0.5', '', chain), '10.0.0.5');
  });

  it('understands ports, brackets and IPv4-mapped peers', () => {
    assert.equal(
      resolveClientAddress('::ffff:10.0.0.5', '198.51.100.1:5123', nginx),
      '198.51.100.1',
    );
    assert.equal(resolveClientAddress('10.0.0.5', '[2001:db8::1]:443', nginx), '2001:db8::1');
    assert.equal(resolveClientAddress('::ffff:203.0.113.9', '', nginx), '203.0.113.9');
  });
});
