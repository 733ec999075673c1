import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_VIEW,
  decodeView,
  encodeView,
  isNavigation,
  type ViewState,
} from './view-state.js';

test('a default view makes an empty query; a full one round-trips', () => {
  assert.equal(encodeView(DEFAULT_VIEW), '');
  const view: ViewState = {
    selectedId: 'vehicle-0007',
    follow: false,
    search: 'truck 1',
    statuses: ['moving', 'idle'],
    sort: 'lastSeen',
    map: { lat: 57.70891, lng: 11.97456, zoom: 13 },
    replay: {
      fromMs: Date.parse('2024-01-01T08:00:00Z'),
      toMs: Date.parse('2024-01-01T09:00:00Z'),
      rate: 30,
      scope: 'fleet',
    },
  };
  assert.deepEqual(decodeView(encodeView(view)), view);
});

test('malformed parameters fall back to their defaults', () => {
  const view = decodeView('?sort=height&map=1,2&from=yesterday&to=x&status=flying&rate=999');
  assert.equal(view.sort, 'name');
  assert.equal(view.map, undefined);
  assert.equal(view.replay, undefined);
  assert.deepEqual(view.statuses, []);
  const capped = decodeView('?from=2024-01-01T08:00:00Z&to=2024-01-01T09:00:00Z&rate=999');
  assert.equal(capped.replay?.rate, 60);
  assert.equal(capped.replay?.scope, 'vehicle');
  // An inverted range is no replay.
  assert.equal(decodeView('?from=2024-01-01T09:00:00Z&to=2024-01-01T08:00:00Z').replay, undefined);
});

test('selection and replay changes are navigations; pans and filters are not', () => {
  const base = { ...DEFAULT_VIEW };
  assert.equal(isNavigation(base, { ...base, selectedId: 'a' }), true);
  assert.equal(isNavigation(base, { ...base, map: { lat: 1, lng: 2, zoom: 3 } }), false);
  assert.equal(isNavigation(base, { ...base, search: 'x' }), false);
  const replay = { fromMs: 1, toMs: 2, rate: 10, scope: 'vehicle' as const };
  assert.equal(isNavigation(base, { ...base, replay }), true);
  assert.equal(
    isNavigation({ ...base, replay }, { ...base, replay: { ...replay, rate: 60 } }),
    false,
  );
});
