import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelLayout, overlapFree } from './label-layout.js';

test('labels of a dense crowd never overlap; the first candidate always gets its place', () => {
  const candidates = Array.from({ length: 300 }, (_, i) => ({
    x: (i * 37) % 400,
    y: (i * 53) % 300,
    width: 60,
    height: 14,
  }));
  const placed = new LabelLayout().place(candidates);
  assert.ok(placed.length > 10 && placed.length < 300);
  assert.ok(overlapFree(placed));
  assert.equal(placed[0]!.index, 0);
});

test('a label moves to another side rather than cover a reserved box', () => {
  const layout = new LabelLayout();
  layout.reserve({ x: 110, y: 90, w: 80, h: 20 }); // right of the marker at (100, 100)
  const [label] = layout.place([{ x: 100, y: 100, width: 60, height: 14 }]);
  assert.ok(label);
  assert.ok(label.x + label.w <= 100, 'placed on the left');
});
