import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@fleetman/service-kit';
import { parseHistoryQuery } from './history-query.js';

test('defaults and valid values', () => {
  assert.deepEqual(parseHistoryQuery({}), {
    from: undefined,
    to: undefined,
    limit: 1000,
    format: 'json',
  });
  const parsed = parseHistoryQuery({
    from: '2026-01-01T00:00:00Z',
    to: '1767229200000',
    limit: '5',
    format: 'gpx',
  });
  assert.equal(parsed.from?.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(parsed.to?.toISOString(), '2026-01-01T01:00:00.000Z');
  assert.equal(parsed.limit, 5);
  assert.equal(parsed.format, 'gpx');
});

test('each mistake is a 400 naming the parameter', () => {
  const cases: Array<[Record<string, string | string[]>, RegExp]> = [
    [{ from: 'yesterday' }, /^from must be/],
    [{ limit: '0' }, /^limit must be/],
    [{ limit: '10001' }, /^limit must be/],
    [{ limit: '2.5' }, /^limit must be/],
    [{ format: 'kml' }, /^format must be one of json, geojson, gpx/],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /^from must not be after to/],
    [{ limit: ['1', '2'] }, /^limit may be given once/],
  ];
  for (const [query, message] of cases) {
    assert.throws(
      () => parseHistoryQuery(query),
      (err: unknown) => err instanceof AppError && err.status === 400 && message.test(err.message),
      JSON.stringify(query),
    );
  }
});
