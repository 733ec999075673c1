// The pin writer changes only the entry it is asked to, keeps comments, refuses what the
// kubelet could not pull exactly, and `check` explains an unbuilt image in words.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parsePinLine, readPins, setPin, UNBUILT_DIGEST, unbuiltPins } from './pins.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoPins = readFileSync(
  join(here, '..', '..', 'clusters', 'images', 'kustomization.yaml'),
  'utf8',
);
const digest = `sha256:${'ab'.repeat(32)}`;
const pin = {
  name: 'fleetman-web',
  newName: 'ghcr.io/acme/fleetman-web',
  newTag: 'sha-1a2b3c4',
  digest,
};

test('set rewrites only the named entry and keeps the comments', () => {
  const after = setPin(repoPins, pin);
  const before = readPins(repoPins);
  assert.deepEqual(
    readPins(after),
    before.map((p) => (p.name === pin.name ? pin : p)),
  );
  const comments = (text: string) => text.split('\n').filter((line) => line.trim().startsWith('#'));
  assert.deepEqual(comments(after), comments(repoPins));
  // Nothing but the three lines of the entry changed.
  const changed = after.split('\n').filter((line, i) => line !== repoPins.split('\n')[i]);
  assert.deepEqual(changed, [
    '    newName: ghcr.io/acme/fleetman-web',
    '    newTag: sha-1a2b3c4',
    `    digest: ${digest}`,
  ]);
});

test('a tag, a short digest or an unknown image is refused', () => {
  assert.throws(() => setPin(repoPins, { ...pin, digest: 'latest' }), /not a sha256 digest/);
  assert.throws(() => setPin(repoPins, { ...pin, digest: 'sha256:abc' }), /not a sha256 digest/);
  assert.throws(() => setPin(repoPins, { ...pin, name: 'fleetman-nope' }), /no images entry named/);
  assert.throws(
    () => setPin(repoPins, { ...pin, newName: 'Not An Image' }),
    /not an image repository/,
  );
});

test('the images workflow line format parses, and a malformed one is refused', () => {
  assert.deepEqual(
    parsePinLine(`fleetman-web ghcr.io/acme/fleetman-web sha-1a2b3c4 ${digest}\n`),
    pin,
  );
  assert.throws(() => parsePinLine('fleetman-web ghcr.io/acme/fleetman-web sha-1'), /expected/);
});

test('unbuilt pins are the all-zero digest', () => {
  const pins = readPins(setPin(repoPins, pin));
  assert.equal(
    unbuiltPins(pins).some((p) => p.name === 'fleetman-web'),
    false,
  );
  assert.ok(unbuiltPins([{ ...pin, digest: UNBUILT_DIGEST }]).length === 1);
});

test('the command line: set-from writes the file, check explains what is unbuilt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetman-pins-'));
  const file = join(dir, 'kustomization.yaml');
  writeFileSync(file, repoPins);
  const cli = ['--import', 'tsx', join(here, 'pin-images.ts'), '--file', file];
  const all = readPins(repoPins);
  const check = () => spawnSync(process.execPath, [...cli, 'check'], { encoding: 'utf8' });

  const unbuiltRun = check();
  if (all.some((p) => p.digest === UNBUILT_DIGEST)) {
    assert.equal(unbuiltRun.status, 1);
    assert.match(unbuiltRun.stderr, /never built, so no cluster can pull them/);
    assert.match(unbuiltRun.stderr, /scripts\/release\/minikube-images\.sh/);
  }

  const lines = all.map((p) => `${p.name} ghcr.io/acme/${p.name} sha-1a2b3c4 ${digest}`).join('\n');
  writeFileSync(join(dir, 'pins.txt'), `${lines}\n`);
  execFileSync(process.execPath, [...cli, 'set-from', join(dir, 'pins.txt')], { encoding: 'utf8' });
  assert.ok(readPins(readFileSync(file, 'utf8')).every((p) => p.digest === digest));
  const builtRun = check();
  assert.equal(builtRun.status, 0, builtRun.stderr);
});

test('the images workflow builds exactly the pinned images, so set-from finds every entry', () => {
  // set-from refuses an image without an entry, and an entry never built stays unpullable.
  const workflow = parse(
    readFileSync(join(here, '..', '..', '.github', 'workflows', 'images.yaml'), 'utf8'),
  ) as { jobs: { build: { strategy: { matrix: { image: Array<{ name: string }> } } } } };
  const built = workflow.jobs.build.strategy.matrix.image.map((i) => `fleetman-${i.name}`).sort();
  const pinned = readPins(repoPins)
    .map((p) => p.name)
    .sort();
  assert.deepEqual(built, pinned);
  assert.ok(pinned.includes('fleetman-device-ingest'));
});
