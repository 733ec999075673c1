import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarkerMotion, MAX_GLIDE_MS } from './motion.js';

test('glides linearly between fixes and stops at the target', () => {
  const motion = new MarkerMotion({ lat: 0, lng: 0, heading: 0 });
  motion.moveTo({ lat: 1, lng: 2, heading: 90 }, 1000, 1000);
  assert.deepEqual(motion.poseAt(1500), { lat: 0.5, lng: 1, heading: 45 });
  assert.equal(motion.isGliding(1500), true);
  assert.deepEqual(motion.poseAt(2500), { lat: 1, lng: 2, heading: 90 });
  assert.equal(motion.isGliding(2500), false);
});

test('a newer fix cancels the glide and starts from the current pose, not the old target', () => {
  const motion = new MarkerMotion({ lat: 0, lng: 0, heading: 0 });
  motion.moveTo({ lat: 10, lng: 0, heading: 0 }, 0, 1000);
  motion.moveTo({ lat: 0, lng: 10, heading: 0 }, 500, 1000);
  assert.deepEqual(motion.poseAt(500), { lat: 5, lng: 0, heading: 0 });
  assert.deepEqual(motion.poseAt(1000), { lat: 2.5, lng: 5, heading: 0 });
});

test('turns the short way round through north', () => {
  const motion = new MarkerMotion({ lat: 0, lng: 0, heading: 350 });
  motion.moveTo({ lat: 0, lng: 0, heading: 10 }, 0, 1000);
  assert.equal(Math.round(motion.poseAt(500).heading), 0);
});

test('a gap longer than the glide cap snaps instead of crawling', () => {
  const motion = new MarkerMotion({ lat: 0, lng: 0, heading: 0 });
  motion.moveTo({ lat: 1, lng: 1, heading: 0 }, 0, MAX_GLIDE_MS + 1);
  assert.deepEqual(motion.poseAt(1), { lat: 1, lng: 1, heading: 0 });
});
