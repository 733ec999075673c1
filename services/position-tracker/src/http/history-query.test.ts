import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@fleetman/service-kit';
import { historyQuery } from './history-query.js';

test('turns the validated query into the store query: instants as dates', () => {
  const parsed = historyQuery({
    from: '2026-01-01T00:00:00Z',
    to: '1767229200000',
    limit: 5,
    format: 'gpx',
  });
  assert.equal(parsed.from?.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(parsed.to?.toISOString(), '2026-01-01T01:00:00.000Z');
  assert.equal(parsed.limit, 5);
  assert.equal(parsed.format, 'gpx');
  assert.deepEqual(historyQuery({ limit: 1000, format: 'json' }), {
    from: undefined,
    to: undefined,
    limit: 1000,
    format: 'json',
  });
});

test('from after to is a 400 bad_query (no schema can say it)', () => {
  assert.throws(
    () => historyQuery({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z', limit: 1 }),
    (err: unknown) =>
      err instanceof AppError &&
      err.status === 400 &&
      err.code === 'bad_query' &&
      /from must not be after to/.test(err.message),
  );
});
