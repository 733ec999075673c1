/**
 * What every protocol decoder produces: fixes in the pipeline's units (m/s, degrees, metres),
 * the device's identity and the secret it presented, and the fixes it had to refuse with a
 * stable reason (a metric label). Decoders are pure: no registry, no broker, no clock but the
 * `receivedAt` they are given.
 */

export const PROTOCOLS = ['osmand', 'owntracks'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface DeviceFix {
  time: Date;
  lat: number;
  lng: number;
  /** m/s */
  speed?: number;
  /** degrees clockwise from north, [0, 360) */
  heading?: number;
  /** metres */
  accuracy?: number;
  /** metres; decoded for completeness, not carried by the v1 position message */
  altitude?: number;
  /** percent 0-100; decoded, not carried by the v1 position message */
  battery?: number;
}

/** Why a fix, or a whole request, was refused: low-cardinality, used as a metric label. */
export const FIX_REJECT_REASONS = [
  'malformed',
  'unknown_shape',
  'missing_device',
  'mixed_devices',
  'bad_coordinates',
  'bad_time',
  'absurd_time',
  'bad_field',
  'too_many_fixes',
] as const;
export type FixRejectReason = (typeof FIX_REJECT_REASONS)[number];

export interface FixProblem {
  reason: FixRejectReason;
  detail: string;
}

/** Fixes and records that carry no position (heartbeats, OwnTracks' other message types). */
export const IGNORED_REASONS = ['no_position', 'not_a_location'] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

export interface Credentials {
  /** The id the device identifies itself with (OsmAnd `id`, OwnTracks user or user/device). */
  deviceId: string;
  /** Other ids to try in the registry, in order, if `deviceId` is not registered. */
  fallbackIds?: string[];
  /** The secret it presented, if any. */
  secret?: string;
}

export type Decoded =
  | {
      ok: true;
      credentials: Credentials;
      fixes: DeviceFix[];
      /** Fixes inside the request that were refused (the rest is still accepted). */
      problems: FixProblem[];
      ignored: IgnoredReason[];
    }
  | { ok: false; problem: FixProblem };

export const KNOTS_TO_MPS = 1852 / 3600;
export const KMH_TO_MPS = 1 / 3.6;

/** Most fixes one request may carry: a phone's offline buffer, not a bulk import. */
export const MAX_FIXES_PER_REQUEST = 1000;

/** A decimal number as devices write them ("57.7", "-0.5", "1e3" is not one). */
const DECIMAL = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** The value as a finite number, `undefined` when absent, NaN when present but not a number. */
export function numberOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string') return DECIMAL.test(value) ? Number(value) : NaN;
  return NaN;
}

/**
 * Checks and normalises one decoded fix. Optional fields the device marks as unknown with a
 * negative value (Traccar Client's -1) are dropped; the rest must be in range.
 */
export function checkFix(raw: {
  time: Date | undefined;
  lat: number | undefined;
  lng: number | undefined;
  speed?: number | undefined;
  heading?: number | undefined;
  accuracy?: number | undefined;
  altitude?: number | undefined;
  battery?: number | undefined;
}): { ok: true; fix: DeviceFix } | { ok: false; problem: FixProblem } {
  const { lat, lng, time } = raw;
  if (
    lat === undefined ||
    lng === undefined ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lng) ||
    Math.abs(lat) > 90 ||
    Math.abs(lng) > 180
  ) {
    return fail('bad_coordinates', 'lat must be in [-90, 90] and lon in [-180, 180]');
  }
  if (!time || !Number.isFinite(time.getTime())) return fail('bad_time', 'timestamp is not a date');
  const fix: DeviceFix = { time, lat, lng };
  for (const [field, max] of [
    ['speed', 150],
    ['heading', 360],
    ['accuracy', 100_000],
    ['battery', 100],
  ] as const) {
    const value = raw[field];
    if (value === undefined || value < 0) continue;
    if (!Number.isFinite(value) || value > max)
      return fail('bad_field', `${field} must be a number in [0, ${max}] (after unit conversion)`);
    fix[field] = field === 'heading' ? value % 360 : value;
  }
  if (raw.altitude !== undefined) {
    if (!Number.isFinite(raw.altitude) || Math.abs(raw.altitude) > 100_000)
      return fail('bad_field', 'altitude must be a number of metres');
    fix.altitude = raw.altitude;
  }
  return { ok: true, fix };
}

export function fail(reason: FixRejectReason, detail: string): { ok: false; problem: FixProblem } {
  return { ok: false, problem: { reason, detail } };
}

/** HTTP Basic credentials from an Authorization header, if it carries them. */
export function basicAuth(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** A bearer token from an Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
