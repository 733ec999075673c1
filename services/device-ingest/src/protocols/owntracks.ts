/**
 * OwnTracks in HTTP mode: the app POSTs one JSON message per request (`application/json`), with
 * HTTP Basic credentials and the `X-Limit-U` / `X-Limit-D` headers naming its user and device.
 * Only `_type: "location"` carries a fix (`lat`, `lon`, `tst` epoch seconds, `acc` m, `alt` m,
 * `vel` **km/h**, `cog` degrees, `batt` %, `tid`); every other type (`transition`, `waypoint`,
 * `lwt`, `card`, `status`…) is acknowledged and ignored. An array of messages is accepted too
 * (what the Recorder's tools and some forks send). The reply is a JSON array: `[]`, the app reads
 * it for cards and commands and treats anything else as an error.
 */

import {
  basicAuth,
  checkFix,
  fail,
  KMH_TO_MPS,
  MAX_FIXES_PER_REQUEST,
  numberOf,
  type Decoded,
  type DeviceFix,
  type FixProblem,
  type IgnoredReason,
} from './device-fix.js';

export interface OwnTracksRequest {
  body: string;
  authorization: string | undefined;
  /** `X-Limit-U` */
  user: string | undefined;
  /** `X-Limit-D` */
  device: string | undefined;
}

const NAME = /^[\p{L}\p{N} _.:@-]{1,31}$/u;

export function decodeOwnTracks(request: OwnTracksRequest): Decoded {
  const auth = basicAuth(request.authorization);
  const user = auth?.user || request.user;
  if (!user || !NAME.test(user))
    return fail('missing_device', 'a user is required (HTTP Basic user or X-Limit-U)');
  const device = request.device && NAME.test(request.device) ? request.device : undefined;

  let root: unknown;
  try {
    root = JSON.parse(request.body);
  } catch {
    return fail('malformed', 'body is not JSON');
  }
  const messages = Array.isArray(root) ? root : [root];
  if (messages.length > MAX_FIXES_PER_REQUEST)
    return fail('too_many_fixes', `at most ${MAX_FIXES_PER_REQUEST} messages per request`);
  const fixes: DeviceFix[] = [];
  const problems: FixProblem[] = [];
  const ignored: IgnoredReason[] = [];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      problems.push({ reason: 'unknown_shape', detail: 'a message must be a JSON object' });
      continue;
    }
    const fields = message as Record<string, unknown>;
    if (fields._type !== 'location') {
      ignored.push('not_a_location');
      continue;
    }
    const tst = numberOf(fields.tst);
    const vel = numberOf(fields.vel);
    const checked = checkFix({
      time:
        tst === undefined || !Number.isInteger(tst) || tst < 0 ? undefined : new Date(tst * 1000),
      lat: numberOf(fields.lat),
      lng: numberOf(fields.lon),
      speed: vel === undefined ? undefined : vel * KMH_TO_MPS,
      heading: numberOf(fields.cog),
      accuracy: numberOf(fields.acc),
      altitude: numberOf(fields.alt),
      battery: numberOf(fields.batt),
    });
    if (checked.ok) fixes.push(checked.fix);
    else problems.push(checked.problem);
  }
  const credentials = {
    deviceId: device ? `${user}/${device}` : user,
    ...(device ? { fallbackIds: [user] } : {}),
    ...(auth ? { secret: auth.password } : {}),
  };
  return { ok: true, credentials, fixes, problems, ignored };
}
