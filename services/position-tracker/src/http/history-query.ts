import type { HistoryFormat } from '@fleetman/contract';
import { AppError } from '@fleetman/service-kit';
import type { HistoryQuery } from '../data/position-store.js';

/**
 * The history query as the store takes it. Each parameter has been checked against openapi.yaml
 * already (validateRequests: types, ranges, the default limit and format); what a schema cannot
 * say is checked here: `from` must not be after `to`.
 */
export function historyQuery(
  query: Record<string, unknown>,
): HistoryQuery & { format: HistoryFormat } {
  const from = instant(query.from);
  const to = instant(query.to);
  if (from && to && from > to) throw new AppError(400, 'bad_query', 'from must not be after to');
  return { from, to, limit: query.limit as number, format: query.format as HistoryFormat };
}

/** An RFC 3339 date-time or epoch milliseconds, as the document's Instant schema allows. */
function instant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  return new Date(/^\d+$/.test(value) ? Number(value) : value);
}
