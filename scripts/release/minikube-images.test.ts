// The local Minikube path, as far as it runs without a cluster: the script builds every own
// image with the right Dockerfile and sets the override Argo CD applies; and that override,
// applied the way Argo CD does (an images entry in the app folder's kustomization, on top of
// the pins Component), really replaces the unpullable pinned image. minikube and kubectl are
// stand-ins that record their arguments; the render is a real `kubectl kustomize`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPins } from './pins.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(root, 'scripts', 'release', 'minikube-images.sh');
// One build and one override per own image pinned in clusters/images.
const pinned = readPins(
  readFileSync(join(root, 'clusters', 'images', 'kustomization.yaml'), 'utf8'),
);

function standIns(kubectlGetFails = false) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetman-minikube-'));
  const log = join(dir, 'calls.log');
  for (const tool of ['minikube', 'kubectl']) {
    const path = join(dir, tool);
    const fail = tool === 'kubectl' && kubectlGetFails ? '[ "$1" = get ] && exit 1\n' : '';
    writeFileSync(path, `#!/bin/sh\necho "${tool} $*" >> '${log}'\n${fail}`);
    chmodSync(path, 0o755);
  }
  const run = (...args: string[]) =>
    spawnSync('bash', [script, ...args], {
      cwd: root,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, MINIKUBE_IMAGES_WAIT: '1' },
      encoding: 'utf8',
    });
  const calls = () => readFileSync(log, 'utf8').trim().split('\n');
  return { run, calls };
}

test('builds each own image inside Minikube and overrides its Application', () => {
  const { run, calls } = standIns();
  const result = run();
  assert.equal(result.status, 0, result.stderr);
  const builds = calls().filter((c) => c.startsWith('minikube'));
  assert.equal(builds.length, pinned.length);
  assert.ok(
    builds.some((c) =>
      /^minikube -p minikube image build -t fleetman-position-tracker:local-\S+ -f services\/Dockerfile --build-opt=build-arg=SERVICE=position-tracker \.$/.test(
        c,
      ),
    ),
    builds.join('\n'),
  );
  assert.ok(
    builds.some((c) =>
      / -t fleetman-device-ingest:local-\S+ -f services\/Dockerfile --build-opt=build-arg=SERVICE=device-ingest \.$/.test(
        c,
      ),
    ),
    builds.join('\n'),
  );
  assert.ok(builds.some((c) => / -t fleetman-web:local-\S+ -f web\/Dockerfile \.$/.test(c)));
  const patches = calls().filter((c) => c.startsWith('kubectl patch'));
  assert.equal(patches.length, pinned.length);
  assert.match(
    patches.find((c) => c.includes(' web ')) ?? '',
    /"images":\["ghcr\.io\/[a-z0-9-]+\/fleetman-web=fleetman-web:local-[^"]+"\]/,
  );
});

test('one app only, and --reset removes the override', () => {
  const { run, calls } = standIns();
  assert.equal(run('web').status, 0);
  assert.equal(calls().filter((c) => c.startsWith('minikube')).length, 1);
  const reset = run('--reset', 'web');
  assert.equal(reset.status, 0, reset.stderr);
  assert.ok(calls().some((c) => c.includes('"op":"remove","path":"/spec/source/kustomize"')));
});

test('before the bootstrap it says what to do, and builds nothing', () => {
  const { run, calls } = standIns(true);
  const result = run('web');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no Application web in namespace argocd: bootstrap first/);
  assert.equal(calls().filter((c) => c.startsWith('minikube')).length, 0);
});

test('the override, applied as Argo CD does, replaces the pinned image', (t) => {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0) {
    t.skip('kubectl is not installed');
    return;
  }
  const copy = mkdtempSync(join(tmpdir(), 'fleetman-override-'));
  for (const path of ['clusters', 'web/deploy'])
    cpSync(join(root, path), join(copy, path), { recursive: true });
  const render = () =>
    execFileSync('kubectl', ['kustomize', join(copy, 'clusters/minikube/web')], {
      encoding: 'utf8',
    });
  const pinned = /image: (ghcr\.io\/[a-z0-9-]+\/fleetman-web):\S+@sha256:[0-9a-f]{64}/.exec(
    render(),
  );
  assert.ok(pinned, 'the render pins fleetman-web by digest');
  // What `kustomize edit set image <repository>=fleetman-web:local-abc` writes.
  appendFileSync(
    join(copy, 'clusters/minikube/web/kustomization.yaml'),
    `images:\n  - name: ${pinned[1]}\n    newName: fleetman-web\n    newTag: local-abc\n`,
  );
  assert.match(render(), /image: fleetman-web:local-abc\n/);
});
