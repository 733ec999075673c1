/**
 * renovate.json against Renovate itself: the validator accepts it (and refuses a broken copy,
 * so the check is real), and Renovate's own extraction of this checkout finds every version the
 * repository pins — each line of versions.env, each Dockerfile base image, each GitHub Action,
 * each Helm chart of an Argo CD Application, each remote kustomize ref and each third-party
 * image of the manifests. The expectations are read from the files, so moving a file or adding
 * a pin needs no change here; a pin Renovate cannot see fails by name.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.RENOVATE_BIN ?? '';

interface Dep {
  depName?: string;
  currentValue?: string;
  currentDigest?: string;
}
type Extracted = Record<string, { packageFile: string; deps: Dep[] }[]>;

function run(command: string, args: string[], cwd = ROOT) {
  const base = mkdtempSync(path.join(tmpdir(), 'renovate-'));
  return spawnSync(path.join(BIN, command), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, RENOVATE_BASE_DIR: base, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    timeout: 240_000,
  });
}

/** Files git knows (what Renovate's local platform reads too). */
function trackedFiles(): string[] {
  const result = spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('renovate.json', { skip: BIN === '' && 'run through tests/renovate/test.sh' }, () => {
  it('passes renovate-config-validator --strict', () => {
    const result = run('renovate-config-validator', ['--strict']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Config validated successfully/);
  });

  it('and the validator refuses a broken copy', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'renovate-broken-'));
    const config = JSON.parse(read('renovate.json')) as Record<string, unknown>;
    config.packageRules = [{ matchPackageNames: ['x'], enabledd: false }];
    config.argocd = { fileMatch: ['x'] }; // the option Renovate 41 renamed: needs migration
    writeFileSync(path.join(dir, 'renovate.json'), JSON.stringify(config));
    const result = run('renovate-config-validator', ['--strict'], dir);
    assert.notEqual(result.status, 0, 'a misspelt option must fail');
  });

  describe('Renovate finds every pinned version (extraction, no lookups)', () => {
    let extracted: Extracted;
    const found = (manager: string, file?: string) =>
      (extracted[manager] ?? [])
        .filter((entry) => file === undefined || entry.packageFile === file)
        // A digest pin (`uses: owner/action@<sha> # v4`) is found as the digest, a tag pin as the tag.
        .flatMap((entry) =>
          entry.deps.flatMap((dep) => [
            `${dep.depName}@${dep.currentValue}`,
            ...(dep.currentDigest ? [`${dep.depName}@${dep.currentDigest}`] : []),
          ]),
        );
    const files = trackedFiles();
    const yamls = files.filter((file) =>
      /^(apps|clusters|platform|services\/[^/]+\/deploy|web\/deploy)\/.+\.ya?ml$/.test(file),
    );

    before(() => {
      const result = run('renovate', [
        '--platform=local',
        '--dry-run=extract',
        '--onboarding=false',
        '--require-config=optional',
      ]);
      assert.equal(result.status, 0, result.stderr);
      const line = result.stdout
        .split('\n')
        .filter((text) => text.includes('"Extracted dependencies"'))
        .at(-1);
      assert.ok(line, `no extraction in Renovate's output:\n${result.stdout.slice(-2000)}`);
      extracted = (JSON.parse(line) as { packageFiles: Extracted }).packageFiles;
    });

    it('every version of versions.env (the annotated regex manager)', () => {
      const pins = [...read('versions.env').matchAll(/^([A-Z0-9_]+_VERSION)=(\S+)$/gm)];
      assert.ok(pins.length >= 5);
      const values = (extracted.regex ?? [])
        .filter((entry) => entry.packageFile === 'versions.env')
        .flatMap((entry) => entry.deps.map((dep) => dep.currentValue));
      const missing = pins.filter(([, , value]) => !values.includes(value)).map(([, key]) => key);
      assert.deepEqual(missing, [], 'versions.env lines without a `# renovate:` line above them');
    });

    it('every Dockerfile base image', () => {
      let images = 0;
      for (const file of files.filter((name) => /(^|\/)Dockerfile$/.test(name))) {
        const pins = read(file).matchAll(/^(?:FROM|ARG \w+=)\s*([a-z0-9./-]+):(\S+?)(?:\s|$)/gm);
        for (const [, name, tag] of pins) {
          images += 1;
          assert.ok(
            found('dockerfile', file).includes(`${name}@${tag}`),
            `${file}: ${name}:${tag}`,
          );
        }
      }
      assert.ok(images >= 3, `only ${images} base images seen`);
    });

    it('every GitHub Action', () => {
      let actions = 0;
      for (const file of files.filter((name) => /^\.github\/workflows\/.+\.ya?ml$/.test(name))) {
        for (const [, action, ref] of read(file).matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@(\S+)/g)) {
          actions += 1;
          assert.ok(
            found('github-actions', file).includes(`${action}@${ref}`),
            `${file}: ${action}@${ref}`,
          );
        }
      }
      assert.ok(actions >= 5, `only ${actions} actions seen`);
    });

    it('every Helm chart of an Argo CD Application', () => {
      let charts = 0;
      for (const file of yamls) {
        const text = read(file);
        for (const [, chart, version] of text.matchAll(
          /chart:\s*(\S+)\s*\n\s*targetRevision:\s*['"]?([^'"\s]+)/g,
        )) {
          charts += 1;
          assert.ok(
            found('argocd', file).includes(`${chart}@${version}`),
            `${file}: ${chart} ${version}`,
          );
        }
        for (const [, version, chart] of text.matchAll(
          /targetRevision:\s*['"]?([^'"\s]+)['"]?\s*\n\s*chart:\s*(\S+)/g,
        )) {
          charts += 1;
          assert.ok(
            found('argocd', file).includes(`${chart}@${version}`),
            `${file}: ${chart} ${version}`,
          );
        }
      }
      assert.ok(charts >= 2, 'the platform installs charts through Applications');
    });

    it('every remote kustomize ref and every third-party image of the manifests', () => {
      let pins = 0;
      for (const file of yamls) {
        const text = read(file);
        for (const [, repo, ref] of text.matchAll(
          /github\.com\/([\w-]+\/[\w.-]+?)(?:\.git)?\/\/\S*\?ref=(\S+)/g,
        )) {
          pins += 1;
          assert.ok(
            found('kustomize', file).includes(`${repo}@${ref}`),
            `${file}: ${repo}?ref=${ref}`,
          );
        }
        for (const [, image, tag] of text.matchAll(
          /^\s*-?\s*image:\s*['"]?([a-z0-9./-]+):([\w.-]+)/gm,
        )) {
          if (/(^|\/)fleetman-/.test(image!)) continue; // ours: pinned by the release workflows
          pins += 1;
          assert.ok(
            found('kubernetes', file).includes(`${image}@${tag}`) ||
              found('kustomize', file).includes(`${image}@${tag}`),
            `${file}: ${image}:${tag}`,
          );
        }
      }
      assert.ok(pins >= 4, `only ${pins} remote refs and images seen`);
    });

    it('every npm workspace', () => {
      const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
      const packageFiles = (extracted.npm ?? []).map((entry) => entry.packageFile);
      for (const workspace of ['.', ...workspaces])
        assert.ok(packageFiles.includes(path.join(workspace, 'package.json')), workspace);
    });
  });
});
