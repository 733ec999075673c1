import { readFileSync } from 'node:fs';

/**
 * The version in the package.json one folder above the calling module (`src/` in development,
 * `dist/` when built): every log line carries it.
 */
export function packageVersion(moduleUrl: string): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
}
