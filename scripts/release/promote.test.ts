// promote.sh on real git repositories (a bare "origin" and a clone): the first promotion creates
// eks, later ones fast-forward it; what is not on main, would rewrite eks, or pins unbuilt
// images is refused. --require-healthy reads Applications through kubectl (here a stand-in
// that prints a recorded `kubectl get applications -o json`).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'promote.sh');
const built = `sha256:${'ab'.repeat(32)}`;
const unbuilt = `sha256:${'0'.repeat(64)}`;
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetman-promote-'));
  const origin = join(dir, 'origin.git');
  const work = join(dir, 'work');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: work, env, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  execFileSync('git', ['clone', '--quiet', `file://${origin}`, work], { env });
  mkdirSync(join(work, 'clusters', 'images'), { recursive: true });
  const commit = (digest: string, message: string) => {
    writeFileSync(
      join(work, 'clusters', 'images', 'kustomization.yaml'),
      `kind: Component\nimages:\n  - name: fleetman-web\n    digest: ${digest}\n# ${message}\n`,
    );
    git('add', '-A');
    git('commit', '--quiet', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const push = () => git('push', '--quiet', 'origin', 'HEAD:main');
  const promote = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync('bash', [script, ...args], {
      cwd: work,
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
    });
  const eks = () =>
    execFileSync('git', ['rev-parse', 'refs/heads/eks'], { cwd: origin, encoding: 'utf8' }).trim();
  return { dir, git, commit, push, promote, eks };
}

test('the first promotion creates eks, the next fast-forwards it, a repeat does nothing', () => {
  const { commit, push, promote, eks } = setup();
  const first = commit(built, 'first');
  push();
  let run = promote([first]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(eks(), first);

  const second = commit(built, 'a shared base and a digest change');
  push();
  run = promote([second.slice(0, 12)]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(eks(), second);

  run = promote([second]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /already at/);
});

test('a revision that is not on main is refused', () => {
  const { git, commit, push, promote } = setup();
  commit(built, 'on main');
  push();
  git('checkout', '--quiet', '-b', 'feature');
  const feature = commit(built, 'never merged');
  const run = promote([feature]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /is not on origin\/main/);
});

test('going back (a rewrite of what EKS ran) is refused', () => {
  const { commit, push, promote, eks } = setup();
  const older = commit(built, 'older');
  const newer = commit(built, 'newer');
  push();
  assert.equal(promote([newer]).status, 0);
  const run = promote([older]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /does not contain eks/);
  assert.equal(eks(), newer);
});

test('a revision with unbuilt images is refused, and --dry-run pushes nothing', () => {
  const { commit, push, promote, dir } = setup();
  const zero = commit(unbuilt, 'unbuilt');
  push();
  let run = promote([zero]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /never built/);
  run = promote([zero, '--allow-unbuilt', '--dry-run']);
  assert.equal(run.status, 0, run.stderr);
  run = promote([zero, '--dry-run'], { PROMOTE_ALLOW_UNBUILT: '1' });
  assert.equal(run.status, 0, run.stderr);

  const good = commit(built, 'built');
  push();
  run = promote([good, '--dry-run']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /would push/);
  const heads = execFileSync('git', ['branch', '--list', 'eks'], {
    cwd: join(dir, 'origin.git'),
    encoding: 'utf8',
  });
  assert.equal(heads.trim(), '');
});

test('--require-healthy promotes only what every Minikube Application ran Synced and Healthy', () => {
  const { commit, push, promote, dir, eks } = setup();
  const sha = commit(built, 'ran on minikube');
  push();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const apps = (health: string, revision: string) => ({
    items: ['web', 'mongodb'].map((name) => ({
      metadata: { name, ownerReferences: [{ kind: 'ApplicationSet', name: 'fleetman-minikube' }] },
      status: {
        sync: { status: 'Synced', revision },
        health: { status: name === 'mongodb' ? health : 'Healthy' },
      },
    })),
  });
  const kubectl = join(bin, 'kubectl');
  const answer = join(dir, 'applications.json');
  writeFileSync(kubectl, `#!/bin/sh\ncat '${answer}'\n`);
  chmodSync(kubectl, 0o755);
  const path = { PATH: `${bin}:${process.env.PATH}` };

  writeFileSync(answer, JSON.stringify(apps('Progressing', sha)));
  let run = promote([sha, '--require-healthy'], path);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /mongodb: Synced\/Progressing/);

  writeFileSync(answer, JSON.stringify(apps('Healthy', 'f'.repeat(40))));
  run = promote([sha, '--require-healthy'], path);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /at ffffffffffff/);

  writeFileSync(answer, JSON.stringify(apps('Healthy', sha)));
  run = promote([sha, '--require-healthy'], path);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(eks(), sha);
});
