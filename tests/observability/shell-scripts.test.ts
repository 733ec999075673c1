import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { path } from './lib/repo.js';
import { run } from './lib/tools.js';

const SCRIPTS = [
  'platform/logging/setup/setup.sh', // runs under busybox sh in the curl image
  'tests/observability/test.sh',
  'tests/observability/cluster-check.sh',
  'scripts/dev-servers/control-plane.sh',
  'tests/gitops/test.sh',
];

describe('shell scripts', () => {
  for (const script of SCRIPTS) {
    it(`${script} passes shellcheck`, () => {
      const result = run('shellcheck', [path(script)]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
    });
  }
});
