import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('..', import.meta.url));

test("openapi.yaml and asyncapi.yaml pass Redocly's recommended rules (no error, no warning)", async () => {
  const { stdout, stderr } = await run(
    'npx',
    ['--no-install', 'redocly', 'lint', '--format=stylish'],
    {
      cwd: here,
      timeout: 120_000,
    },
  ).catch((failure: { stdout: string; stderr: string }) => {
    assert.fail(`redocly lint failed:\n${failure.stdout}\n${failure.stderr}`);
  });
  const output = `${stdout}\n${stderr}`;
  assert.match(output, /Your API descriptions are valid/);
  assert.doesNotMatch(output, /You have \d+ warnings?/, output);
});
