import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateHistoryQuery } from './query-validation.js';

describe('validateHistoryQuery', () => {
  it('accepts the documented parameters', () => {
    assert.equal(validateHistoryQuery({}), undefined);
    assert.equal(
      validateHistoryQuery({
        from: '2024-05-01T08:00:00Z',
        to: '2024-05-01T11:30:00.000+02:00',
        limit: '500',
        format: 'gpx',
      }),
      undefined,
    );
    assert.equal(validateHistoryQuery({ from: '1714550400000', to: '2024-05-02' }), undefined);
  });

  for (const [query, parameter] of [
    [{ limit: '0' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '100001' }, 'limit'],
    [{ limit: ['1', '2'] }, 'limit'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2024-13-45T00:00:00Z' }, 'from'],
    [{ to: '' }, 'to'],
    [{ from: '2024-05-02', to: '2024-05-01' }, 'from'],
    [{ format: 'kml' }, 'format'],
  ] as const) {
    it(`rejects ${JSON.stringify(query)} naming "${parameter}"`, () => {
      const problem = validateHistoryQuery(query as Record<string, string | string[]>);
      assert.equal(problem?.parameter, parameter);
      assert.match(problem?.message ?? '', new RegExp(parameter));
    });
  }
});
