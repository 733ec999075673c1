import { AppError } from '@fleetman/service-kit';
import type { HistoryQuery } from '../data/position-store.js';

export const HISTORY_FORMATS = ['json', 'geojson', 'gpx'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];
export const DEFAULT_HISTORY_LIMIT = 1000;
export const MAX_HISTORY_LIMIT = 10_000;

type Query = Record<string, string | string[] | undefined>;

/** Validates `from`, `to`, `limit`, `format`; a client's mistake is a 400 that says which and why. */
export function parseHistoryQuery(query: Query): HistoryQuery & { format: HistoryFormat } {
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) throw new AppError(400, 'bad_query', `${name} may be given once`);
    return value === '' ? undefined : value;
  };
  const date = (name: string): Date | undefined => {
    const raw = single(name);
    if (raw === undefined) return undefined;
    const parsed = /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);
    if (Number.isNaN(parsed.getTime()))
      throw new AppError(400, 'bad_query', `${name} must be an ISO-8601 time or epoch ms`);
    return parsed;
  };
  const from = date('from');
  const to = date('to');
  if (from && to && from > to) throw new AppError(400, 'bad_query', 'from must not be after to');
  const rawLimit = single('limit');
  const limit = rawLimit === undefined ? DEFAULT_HISTORY_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new AppError(400, 'bad_query', `limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`);
  }
  const format = single('format') ?? 'json';
  if (!(HISTORY_FORMATS as readonly string[]).includes(format)) {
    throw new AppError(400, 'bad_query', `format must be one of ${HISTORY_FORMATS.join(', ')}`);
  }
  return { from, to, limit, format: format as HistoryFormat };
}
