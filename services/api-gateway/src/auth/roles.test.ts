import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '@fleetman/service-kit';
import { authConfigSchema, oidcSettings } from './auth-config.js';
import { requiredRole, rolesOf } from './roles.js';

const settings = oidcSettings(
  loadConfig(authConfigSchema, {
    AUTH: 'oidc',
    AUTH_ISSUER: 'https://id.example.org',
    AUTH_AUDIENCE: 'fleetman',
    AUTH_JWKS_URL: 'https://id.example.org/keys',
    AUTH_VIEWER_GROUPS: 'viewers, ops',
    AUTH_DISPATCHER_GROUPS: 'dispatch',
  }),
)!;

describe('roles', () => {
  it('reads need viewer, everything else dispatcher', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get'])
      assert.equal(requiredRole(method), 'viewer');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND'])
      assert.equal(requiredRole(method), 'dispatcher');
  });

  it('come from the groups claim; a dispatcher is a viewer too; no group, no role', () => {
    assert.deepEqual([...rolesOf({ groups: ['ops'] }, settings)], ['viewer']);
    assert.deepEqual([...rolesOf({ groups: ['dispatch'] }, settings)].sort(), [
      'dispatcher',
      'viewer',
    ]);
    assert.deepEqual([...rolesOf({ groups: 'viewers' }, settings)], ['viewer']);
    assert.deepEqual([...rolesOf({ groups: ['other'] }, settings)], []);
    assert.deepEqual([...rolesOf({}, settings)], []);
    assert.deepEqual([...rolesOf({ groups: [42, null] }, settings)], []);
  });
});

describe('AUTH settings', () => {
  it('AUTH=off (the default) needs nothing', () => {
    assert.equal(oidcSettings(loadConfig(authConfigSchema, {})), undefined);
  });

  it('AUTH=oidc without its issuer, audience or keys is a one-line config error', () => {
    for (const missing of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL']) {
      const env: Record<string, string> = {
        AUTH: 'oidc',
        AUTH_ISSUER: 'https://id.example.org',
        AUTH_AUDIENCE: 'fleetman',
        AUTH_JWKS_URL: 'https://id.example.org/keys',
      };
      delete env[missing];
      assert.throws(
        () => oidcSettings(loadConfig(authConfigSchema, env)),
        (err: unknown) =>
          err instanceof ConfigError && err.message === `${missing}: is required when AUTH=oidc`,
      );
    }
    assert.throws(
      () => loadConfig(authConfigSchema, { AUTH: 'basic' }),
      /AUTH: must be one of off, oidc/,
    );
  });
});
