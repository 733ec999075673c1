/**
 * The position message on `positionQueue`: our versioned JSON (v1) and, for compatibility with the
 * original Fleetman Java simulator, its map of strings { vehicle, lat, long, time }. Parsing never
 * throws: it returns either a fix or a stable, low-cardinality reason (a metric label).
 */

export const POSITION_SCHEMA_VERSION = 1;
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Fixes further in the future than this are clock garbage, not data. */
const MAX_FUTURE_MS = 5 * 60_000;
const OLDEST_ACCEPTED = Date.UTC(2000, 0, 1);

export interface PositionFix {
  vehicle: string;
  name: string;
  lat: number;
  lng: number;
  time: Date;
  /** m/s, as reported by the device */
  speed?: number;
  /** degrees clockwise from north, [0, 360) */
  heading?: number;
  /** metres */
  accuracy?: number;
}

export const REJECT_REASONS = [
  'oversized',
  'malformed',
  'unknown_shape',
  'unsupported_version',
  'bad_vehicle',
  'bad_coordinates',
  'bad_time',
  'absurd_time',
  'bad_field',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type ParseResult =
  | { ok: true; fix: PositionFix; format: 'v1' | 'legacy' }
  | { ok: false; reason: RejectReason; detail: string };

/** The message's JSON text (publishers send its UTF-8 bytes: `Buffer.from(encodePosition(fix))`). */
export function encodePosition(fix: PositionFix): string {
  const { vehicle, name, lat, lng, time, speed, heading, accuracy } = fix;
  return JSON.stringify({
    v: POSITION_SCHEMA_VERSION,
    vehicle,
    name,
    lat,
    lng,
    time: time.toISOString(),
    speed,
    heading,
    accuracy,
  });
}

const VEHICLE_ID = /^[\p{L}\p{N} _.:-]{1,64}$/u;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

const reject = (reason: RejectReason, detail: string): ParseResult => ({
  ok: false,
  reason,
  detail,
});

const utf8 = { encoder: new TextEncoder(), decoder: new TextDecoder() };

/** The body as bytes (a Buffer is a Uint8Array) or text; never throws. */
export function parsePositionMessage(
  body: Uint8Array | string,
  now: number = Date.now(),
): ParseResult {
  const size = typeof body === 'string' ? utf8.encoder.encode(body).length : body.byteLength;
  if (size > MAX_MESSAGE_BYTES) return reject('oversized', `${size} bytes > ${MAX_MESSAGE_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : utf8.decoder.decode(body));
  } catch {
    return reject('malformed', 'body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('unknown_shape', 'body is not a JSON object');
  }
  const msg = value as Record<string, unknown>;
  if ('long' in msg && !('lng' in msg)) return parseLegacy(msg, now);
  return parseV1(msg, now);
}

function parseV1(msg: Record<string, unknown>, now: number): ParseResult {
  if (msg.v !== undefined && msg.v !== POSITION_SCHEMA_VERSION) {
    return reject('unsupported_version', `schema version ${JSON.stringify(msg.v)}`);
  }
  if (!('vehicle' in msg && 'lat' in msg && 'lng' in msg && 'time' in msg)) {
    return reject('unknown_shape', 'expected vehicle, lat, lng and time');
  }
  const vehicle = checkVehicle(msg.vehicle);
  if (!vehicle.ok) return vehicle.result;
  const name = msg.name === undefined ? vehicle.id : msg.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    return reject('bad_field', 'name must be a non-empty string of at most 128 characters');
  }
  const coordinates = checkCoordinates(msg.lat, msg.lng);
  if (!coordinates.ok) return coordinates.result;
  if (typeof msg.time !== 'string' || !ISO_UTC.test(msg.time))
    return reject('bad_time', 'time must be ISO-8601 with a zone');
  const time = checkTime(parseIsoTime(msg.time), now);
  if (!time.ok) return time.result;
  const fix: PositionFix = {
    vehicle: vehicle.id,
    name,
    lat: coordinates.lat,
    lng: coordinates.lng,
    time: time.time,
  };
  for (const [field, min, max] of [
    ['speed', 0, 150],
    ['heading', 0, 360],
    ['accuracy', 0, 100_000],
  ] as const) {
    const raw = msg[field];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
      return reject('bad_field', `${field} must be a number in [${min}, ${max}]`);
    }
    fix[field] = field === 'heading' ? raw % 360 : raw;
  }
  return { ok: true, fix, format: 'v1' };
}

/** The original Fleetman map: all strings, time as yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. +0000). */
function parseLegacy(msg: Record<string, unknown>, now: number): ParseResult {
  const { vehicle: rawVehicle, lat, long, time } = msg;
  if ([rawVehicle, lat, long, time].some((field) => typeof field !== 'string')) {
    return reject('unknown_shape', 'legacy message needs string vehicle, lat, long and time');
  }
  const vehicle = checkVehicle(rawVehicle);
  if (!vehicle.ok) return vehicle.result;
  const coordinates = checkCoordinates(toNumber(lat as string), toNumber(long as string));
  if (!coordinates.ok) return coordinates.result;
  if (!ISO_UTC.test(time as string))
    return reject('bad_time', "time must be yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  const checked = checkTime(
    parseIsoTime((time as string).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
    now,
  );
  if (!checked.ok) return checked.result;
  return {
    ok: true,
    format: 'legacy',
    fix: {
      vehicle: vehicle.id,
      name: vehicle.id,
      lat: coordinates.lat,
      lng: coordinates.lng,
      time: checked.time,
    },
  };
}

/** Date.parse rolls 31 February over into March; a fix with an impossible date is garbage. */
function parseIsoTime(text: string): number {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return NaN;
  return Date.parse(text);
}

const toNumber = (text: string): number =>
  /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;

function checkVehicle(raw: unknown): { ok: true; id: string } | { ok: false; result: ParseResult } {
  if (typeof raw === 'string' && VEHICLE_ID.test(raw)) return { ok: true, id: raw };
  return {
    ok: false,
    result: reject('bad_vehicle', 'vehicle must be 1-64 letters, digits, spaces or _ . : -'),
  };
}

function checkCoordinates(
  lat: unknown,
  lng: unknown,
): { ok: true; lat: number; lng: number } | { ok: false; result: ParseResult } {
  const valid =
    typeof lat === 'number' &&
    typeof lng === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lng) <= 180;
  if (valid) return { ok: true, lat, lng };
  return {
    ok: false,
    result: reject('bad_coordinates', 'lat must be in [-90, 90] and lng in [-180, 180]'),
  };
}

function checkTime(
  ms: number,
  now: number,
): { ok: true; time: Date } | { ok: false; result: ParseResult } {
  if (!Number.isFinite(ms))
    return { ok: false, result: reject('bad_time', 'time is not a real date') };
  if (ms > now + MAX_FUTURE_MS || ms < OLDEST_ACCEPTED) {
    return {
      ok: false,
      result: reject(
        'absurd_time',
        `time ${new Date(ms).toISOString()} is before 2000 or in the future`,
      ),
    };
  }
  return { ok: true, time: new Date(ms) };
}
