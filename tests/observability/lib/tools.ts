import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real tool; a missing binary is a failure that says how to get it. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): RunResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.error) {
    throw new Error(
      `${command} could not run (${result.error.message}); install it with: bash tests/observability/test.sh --install`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const tempDir = (prefix: string): string =>
  mkdtempSync(join(tmpdir(), `fleetman-${prefix}-`));

/** `kubectl kustomize DIR`, or `kustomize build DIR` where only kustomize is installed. */
export function kustomize(dir: string): RunResult {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return probe.error ? run('kustomize', ['build', dir]) : run('kubectl', ['kustomize', dir]);
}
