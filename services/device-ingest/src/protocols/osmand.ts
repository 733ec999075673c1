/**
 * The OsmAnd protocol as Traccar serves it on port 5055, in the three shapes phone apps send:
 *
 * - **query string or form** (OsmAnd, Traccar Client up to 8, most trackers): `id`/`deviceid`,
 *   `lat`, `lon` (or `location=lat,lon`), `timestamp` (unix seconds, milliseconds, ISO-8601 or
 *   `yyyy-MM-dd HH:mm:ss`), `speed` in **knots**, `bearing`/`heading`, `altitude`, `accuracy`,
 *   `hdop`, `batt`… Parameters of the URL and of a form body are merged (the body wins), so a
 *   secret can sit in the server URL the app is given (`…/?token=…`) while the app puts the fix
 *   in the body.
 * - **JSON object** (Traccar Client 9, the background-geolocation plugin): `device_id` and
 *   `location` (one object, or an array when the app syncs its buffer in a batch) with
 *   `timestamp` (ISO), `coords.{latitude, longitude, speed (m/s), heading, accuracy, altitude}`
 *   (-1 means unknown), `is_moving`, `odometer`, `battery.{level (0-1), is_charging}`.
 * - **JSON array** of flat objects (the Traccar Client SDK's JSON upload of its buffer): the
 *   query fields as JSON values (`speed` in knots, `timestamp` in seconds).
 *
 * Reading Traccar's OsmAndProtocolDecoder decided the details: unknown fields are ignored, a
 * missing timestamp is the time of receipt, an integer timestamp below 2^31 is seconds.
 */

import {
  basicAuth,
  bearerToken,
  checkFix,
  fail,
  KNOTS_TO_MPS,
  MAX_FIXES_PER_REQUEST,
  numberOf,
  type Decoded,
  type DeviceFix,
  type FixProblem,
  type IgnoredReason,
} from './device-fix.js';

export interface OsmAndRequest {
  method: string;
  /** The URL's query string, without `?`. */
  querystring: string;
  contentType: string | undefined;
  body: string;
  authorization: string | undefined;
  receivedAt: Date;
}

const SECONDS_LIMIT = 2_147_483_647;
const DEVICE_ID = /^[\p{L}\p{N} _.:@/-]{1,64}$/u;

/** JSON bodies (Traccar Client 9, the SDK) are told from queries and forms by their type. */
export function isJsonRequest(contentType: string | undefined, body: string): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type === '' && /^\s*[[{]/.test(body));
}

export function decodeOsmAnd(request: OsmAndRequest): Decoded {
  const query = new URLSearchParams(request.querystring);
  if (isJsonRequest(request.contentType, request.body)) return decodeJson(request, query);
  const params = new Map<string, string>();
  for (const [key, value] of query) params.set(key, value);
  if (request.body.length > 0) {
    for (const [key, value] of new URLSearchParams(request.body)) params.set(key, value);
  }
  const deviceId = params.get('id') ?? params.get('deviceid');
  if (deviceId === undefined) return fail('missing_device', 'id (or deviceid) is required');
  if (!DEVICE_ID.test(deviceId))
    return fail('missing_device', 'id must be 1-64 letters, digits or _ . : @ / -');
  const fix = flatFix(
    (name) => params.get(name),
    (name) => params.get(name),
    request.receivedAt,
  );
  const credentials = {
    deviceId,
    secret: secretOf(params.get('token') ?? params.get('key'), request.authorization),
  };
  if (fix === 'no_position')
    return { ok: true, credentials, fixes: [], problems: [], ignored: ['no_position'] };
  if (!fix.ok) return fix;
  return { ok: true, credentials, fixes: [fix.fix], problems: [], ignored: [] };
}

function decodeJson(request: OsmAndRequest, query: URLSearchParams): Decoded {
  let root: unknown;
  try {
    root = JSON.parse(request.body);
  } catch {
    return fail('malformed', 'body is not JSON');
  }
  const urlSecret = query.get('token') ?? query.get('key');
  if (Array.isArray(root)) return decodeFlatArray(root, request, urlSecret);
  if (typeof root !== 'object' || root === null)
    return fail('unknown_shape', 'body must be a JSON object or array');
  const object = root as Record<string, unknown>;
  if (!('location' in object)) return decodeFlatArray([object], request, urlSecret);

  const deviceId = idOf(object.device_id);
  if (!deviceId) return fail('missing_device', 'device_id must be a string of 1-64 characters');
  const locations = Array.isArray(object.location) ? object.location : [object.location];
  if (locations.length > MAX_FIXES_PER_REQUEST)
    return fail('too_many_fixes', `at most ${MAX_FIXES_PER_REQUEST} locations per request`);
  const fixes: DeviceFix[] = [];
  const problems: FixProblem[] = [];
  const ignored: IgnoredReason[] = [];
  for (const location of locations) {
    const decoded = pluginLocation(location);
    if (decoded === 'no_position') ignored.push('no_position');
    else if (decoded.ok) fixes.push(decoded.fix);
    else problems.push(decoded.problem);
  }
  return finish(
    {
      deviceId,
      secret: secretOf(urlSecret ?? stringOf(object.token), request.authorization),
    },
    fixes,
    problems,
    ignored,
  );
}

/** One `location` of the background-geolocation plugin (Traccar Client 9). */
function pluginLocation(value: unknown): ReturnType<typeof checkFix> | 'no_position' {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('unknown_shape', 'location must be an object');
  const location = value as Record<string, unknown>;
  const coords = location.coords as Record<string, unknown> | undefined;
  if (coords === undefined || coords === null) return 'no_position';
  if (typeof coords !== 'object') return fail('unknown_shape', 'location.coords must be an object');
  if (typeof location.timestamp !== 'string')
    return fail('bad_time', 'location.timestamp must be an ISO-8601 string');
  const battery = location.battery as Record<string, unknown> | undefined;
  const level = numberOf(battery?.level);
  return checkFix({
    time: isoTime(location.timestamp),
    lat: numberOf(coords.latitude),
    lng: numberOf(coords.longitude),
    speed: numberOf(coords.speed), // already m/s; -1 = unknown
    heading: numberOf(coords.heading),
    accuracy: numberOf(coords.accuracy),
    altitude: numberOf(coords.altitude),
    battery: level === undefined || level < 0 ? undefined : level * 100,
  });
}

/** The SDK's JSON upload: an array of query-shaped objects. */
function decodeFlatArray(
  items: unknown[],
  request: OsmAndRequest,
  urlSecret: string | null,
): Decoded {
  if (items.length === 0) return fail('unknown_shape', 'the array is empty');
  if (items.length > MAX_FIXES_PER_REQUEST)
    return fail('too_many_fixes', `at most ${MAX_FIXES_PER_REQUEST} fixes per request`);
  let deviceId: string | undefined;
  let secret: string | undefined;
  const fixes: DeviceFix[] = [];
  const problems: FixProblem[] = [];
  const ignored: IgnoredReason[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ reason: 'unknown_shape', detail: 'each fix must be an object' });
      continue;
    }
    const fields = item as Record<string, unknown>;
    const id = idOf(fields.id ?? fields.deviceid);
    if (!id) return fail('missing_device', 'every fix needs an id of 1-64 characters');
    if (deviceId !== undefined && id !== deviceId)
      return fail('mixed_devices', 'all fixes of one request must have the same id');
    deviceId = id;
    secret ??= stringOf(fields.token ?? fields.key);
    const fix = flatFix(
      (name) => fields[name],
      (name) => stringOf(fields[name]),
      request.receivedAt,
    );
    if (fix === 'no_position') ignored.push('no_position');
    else if (fix.ok) fixes.push(fix.fix);
    else problems.push(fix.problem);
  }
  if (deviceId === undefined) return fail('unknown_shape', 'no fix is an object');
  return finish(
    { deviceId, secret: secretOf(urlSecret ?? secret, request.authorization) },
    fixes,
    problems,
    ignored,
  );
}

/** Query-shaped fields (strings in a query, numbers in JSON): knots, seconds or ms, degrees. */
function flatFix(
  value: (name: string) => unknown,
  text: (name: string) => string | undefined,
  receivedAt: Date,
): ReturnType<typeof checkFix> | 'no_position' {
  let lat = numberOf(value('lat'));
  let lng = numberOf(value('lon'));
  const location = text('location');
  if (lat === undefined && lng === undefined && location !== undefined) {
    const [a, b, ...rest] = location.split(',');
    lat = rest.length === 0 ? numberOf(a) : NaN;
    lng = rest.length === 0 ? numberOf(b) : NaN;
  }
  if (lat === undefined && lng === undefined) return 'no_position';
  const speedKnots = numberOf(value('speed'));
  return checkFix({
    time: osmAndTime(value('timestamp'), receivedAt),
    lat,
    lng,
    speed: speedKnots === undefined ? undefined : speedKnots * KNOTS_TO_MPS,
    heading: numberOf(value('bearing') ?? value('heading')),
    accuracy: numberOf(value('accuracy')),
    altitude: numberOf(value('altitude')),
    battery: numberOf(value('batt')),
  });
}

/**
 * Traccar's rule: an integer below 2^31 is seconds, above it milliseconds; text with a `T` is
 * ISO-8601 (UTC when it has no zone); `yyyy-MM-dd HH:mm:ss` is read as UTC (Traccar reads it in
 * the server's zone, which would make the result depend on where the server runs).
 */
export function osmAndTime(value: unknown, receivedAt: Date): Date | undefined {
  if (value === undefined || value === null || value === '') return receivedAt;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) return undefined;
    return new Date(n < SECONDS_LIMIT ? n * 1000 : n);
  }
  const text = String(value).trim();
  if (text.includes('T')) return isoTime(text);
  const local = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(\.\d+)?)$/.exec(text);
  if (local) return isoTime(`${local[1]}T${local[2]}Z`);
  return undefined;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO-8601 with or without a zone (none = UTC); undefined for anything else or a date like 02-31. */
export function isoTime(text: string): Date | undefined {
  if (!ISO.test(text)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const ms = Date.parse(zoned.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

function finish(
  credentials: { deviceId: string; secret?: string | undefined },
  fixes: DeviceFix[],
  problems: FixProblem[],
  ignored: IgnoredReason[],
): Decoded {
  const { deviceId, secret } = credentials;
  return {
    ok: true,
    credentials: secret === undefined ? { deviceId } : { deviceId, secret },
    fixes,
    problems,
    ignored,
  };
}

function secretOf(
  given: string | null | undefined,
  authorization: string | undefined,
): string | undefined {
  if (given) return given;
  return bearerToken(authorization) ?? basicAuth(authorization)?.password;
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

function idOf(value: unknown): string | undefined {
  const id = stringOf(value);
  return id !== undefined && DEVICE_ID.test(id) ? id : undefined;
}
