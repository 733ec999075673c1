/**
 * Light validation of the tracker's query parameters, so an obviously bad request is answered
 * 400 by the gateway without a round trip. The tracker stays the authority on everything else.
 */

export const HISTORY_FORMATS = ['json', 'geojson', 'gpx'] as const;
export const MAX_HISTORY_LIMIT = 100_000;

export interface QueryProblem {
  parameter: string;
  message: string;
}

type RawQuery = Record<string, string | string[] | undefined>;

/** ISO-8601 date/date-time (what the tracker documents) or integer epoch milliseconds. */
function parseInstant(value: string): number | undefined {
  if (/^\d{1,16}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function single(query: RawQuery, name: string): string | undefined | QueryProblem {
  const value = query[name];
  if (Array.isArray(value)) return { parameter: name, message: `"${name}" must be given once` };
  return value;
}

export function validateHistoryQuery(query: RawQuery): QueryProblem | undefined {
  const instants: Record<string, number> = {};
  for (const name of ['from', 'to'] as const) {
    const value = single(query, name);
    if (typeof value === 'object') return value;
    if (value === undefined) continue;
    const instant = parseInstant(value);
    if (instant === undefined) {
      return {
        parameter: name,
        message: `"${name}" must be an ISO-8601 time (e.g. 2024-05-01T08:00:00Z) or epoch milliseconds`,
      };
    }
    instants[name] = instant;
  }
  if (instants.from !== undefined && instants.to !== undefined && instants.from > instants.to) {
    return { parameter: 'from', message: '"from" must not be after "to"' };
  }

  const limit = single(query, 'limit');
  if (typeof limit === 'object') return limit;
  if (limit !== undefined) {
    const parsed = /^\d{1,7}$/.test(limit) ? Number(limit) : NaN;
    if (!(parsed >= 1 && parsed <= MAX_HISTORY_LIMIT)) {
      return {
        parameter: 'limit',
        message: `"limit" must be an integer from 1 to ${MAX_HISTORY_LIMIT}`,
      };
    }
  }

  const format = single(query, 'format');
  if (typeof format === 'object') return format;
  if (format !== undefined && !(HISTORY_FORMATS as readonly string[]).includes(format)) {
    return {
      parameter: 'format',
      message: `"format" must be one of ${HISTORY_FORMATS.join(', ')}`,
    };
  }
  return undefined;
}
