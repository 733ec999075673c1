import { ConfigError, env } from '@fleetman/service-kit';

/**
 * Login settings. AUTH=off (the default, and what `npm start` runs on loopback) trusts every
 * caller; AUTH=oidc requires a signed OpenID Connect ID token on every request but health and
 * metrics, as oauth2-proxy passes it (`--pass-authorization-header`: `Authorization: Bearer`).
 */
export const authConfigSchema = {
  AUTH: env.oneOf(['off', 'oidc'] as const, 'off'),
  /** The issuer's URL exactly as the token's `iss` says it (Dex: its issuer; Cognito: the user pool URL). */
  AUTH_ISSUER: env.optionalUrl({ protocols: ['http:', 'https:'] }),
  /** The OAuth client id the ID tokens are issued to (`aud`). */
  AUTH_AUDIENCE: env.optionalString(),
  /** The issuer's signing keys (Dex: ISSUER/keys; Cognito: ISSUER/.well-known/jwks.json). */
  AUTH_JWKS_URL: env.optionalUrl({ protocols: ['http:', 'https:'] }),
  /** The claim listing the user's groups. */
  AUTH_GROUPS_CLAIM: env.string({ default: 'groups' }),
  /** Groups that may read and stream (dispatchers may too). Comma-separated. */
  AUTH_VIEWER_GROUPS: env.string({ default: 'fleetman-viewers' }),
  /** Groups that may also write (geofences, devices, webhooks, acknowledging alerts). */
  AUTH_DISPATCHER_GROUPS: env.string({ default: 'fleetman-dispatchers' }),
};

export interface AuthConfig {
  AUTH: 'off' | 'oidc';
  AUTH_ISSUER: string | undefined;
  AUTH_AUDIENCE: string | undefined;
  AUTH_JWKS_URL: string | undefined;
  AUTH_GROUPS_CLAIM: string;
  AUTH_VIEWER_GROUPS: string;
  AUTH_DISPATCHER_GROUPS: string;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  groupsClaim: string;
  viewerGroups: ReadonlySet<string>;
  dispatcherGroups: ReadonlySet<string>;
}

/** The OIDC settings when AUTH=oidc (a missing one is a one-line config error), else undefined. */
export function oidcSettings(config: AuthConfig): OidcSettings | undefined {
  if (config.AUTH === 'off') return undefined;
  const required = (name: 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_JWKS_URL'): string => {
    const value = config[name];
    if (!value) throw new ConfigError(name, 'is required when AUTH=oidc');
    return value;
  };
  const groups = (text: string) =>
    new Set(
      text
        .split(',')
        .map((group) => group.trim())
        .filter(Boolean),
    );
  return {
    issuer: required('AUTH_ISSUER'),
    audience: required('AUTH_AUDIENCE'),
    jwksUrl: required('AUTH_JWKS_URL'),
    groupsClaim: config.AUTH_GROUPS_CLAIM,
    viewerGroups: groups(config.AUTH_VIEWER_GROUPS),
    dispatcherGroups: groups(config.AUTH_DISPATCHER_GROUPS),
  };
}
