import type { OidcSettings } from './auth-config.js';

/** viewer: read and stream; dispatcher: that and every write. */
export type Role = 'viewer' | 'dispatcher';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The role a request needs, by method: reads (and the stream, a GET) need viewer, anything that
 * changes state needs dispatcher. By method rather than by route so a write route added later
 * (geofences, devices, webhooks, alert acknowledgements) is a dispatcher's without a list here.
 */
export function requiredRole(method: string): Role {
  return SAFE_METHODS.has(method.toUpperCase()) ? 'viewer' : 'dispatcher';
}

/** The roles a token's groups grant (a string claim counts as one group). */
export function rolesOf(claims: Record<string, unknown>, settings: OidcSettings): Set<Role> {
  const raw = claims[settings.groupsClaim];
  const groups = Array.isArray(raw)
    ? raw.filter((g): g is string => typeof g === 'string')
    : typeof raw === 'string'
      ? [raw]
      : [];
  const roles = new Set<Role>();
  if (groups.some((group) => settings.dispatcherGroups.has(group)))
    roles.add('dispatcher').add('viewer');
  if (groups.some((group) => settings.viewerGroups.has(group))) roles.add('viewer');
  return roles;
}
