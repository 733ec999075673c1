import type { Middleware } from 'koa';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '@fleetman/service-kit';
import type { OidcSettings } from './auth-config.js';
import { requiredRole, rolesOf, type Role } from './roles.js';

declare module 'koa' {
  interface DefaultState {
    /** Who is asking (AUTH=oidc): the token's subject and the roles its groups grant. */
    user?: { sub: string; roles: ReadonlySet<Role> };
  }
}

/**
 * AUTH=oidc: every request must carry the ID token the login proxy (oauth2-proxy) obtained, as
 * `Authorization: Bearer`. It is verified here — signature against the issuer's published keys
 * (fetched once, refreshed when an unknown key id appears), issuer, audience, expiry — so an
 * identity cannot be asserted by anyone who merely reaches the gateway: a trusted header such as
 * X-Forwarded-User is believed from whoever can open a connection, which is every pod a
 * NetworkPolicy forgets. Then the role: viewer for reads and the stream, dispatcher for writes.
 * 401 `unauthorized` without a valid token, 403 `forbidden` without the role, 503
 * `auth_unavailable` when the keys cannot be fetched (not the caller's fault).
 */
export function verifyIdentity(settings: OidcSettings, keys?: JWTVerifyGetKey): Middleware {
  const getKey = keys ?? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000 });
  return async function requireIdentity(ctx, next) {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw unauthorized('A login is required: no bearer token');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, getKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 30,
      }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError))
        throw new AppError(
          503,
          'auth_unavailable',
          "The identity provider's keys cannot be fetched",
          { 'Retry-After': '5' },
        );
      throw unauthorized(reason(err));
    }
    const roles = rolesOf(claims, settings);
    const sub = String(claims.sub);
    ctx.state.user = { sub, roles };
    ctx.state.log = ctx.state.log.child({ user: sub });
    const needed = requiredRole(ctx.method);
    if (!roles.has(needed))
      throw new AppError(
        403,
        'forbidden',
        roles.size === 0 ? 'No Fleetman role for this user' : `This needs the ${needed} role`,
      );
    await next();
  };
}

function unauthorized(message: string): AppError {
  return new AppError(401, 'unauthorized', message, {
    'WWW-Authenticate': 'Bearer realm="fleetman"',
  });
}

function reason(err: errors.JOSEError): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired';
  if (err instanceof errors.JWTClaimValidationFailed)
    return `The token's ${err.claim} claim is not accepted`;
  return 'The token is not valid';
}
