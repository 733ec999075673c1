import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './tools.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus server (Debian's package) on a free loopback port, with its own TSDB. */
export class LocalPrometheus {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  static async start(
    config: Record<string, unknown>,
    ruleFiles: Record<string, string> = {},
  ): Promise<LocalPrometheus> {
    const dir = tempDir('prometheus');
    for (const [name, text] of Object.entries(ruleFiles)) writeFileSync(join(dir, name), text);
    const withRules = {
      ...config,
      rule_files: Object.keys(ruleFiles).map((name) => join(dir, name)),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(withRules));
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) =>
        reject(
          new Error(
            `prometheus could not start (${err.message}); run bash tests/observability/test.sh --install`,
          ),
        ),
      );
    });
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    await spawned;
    const prometheus = new LocalPrometheus(`http://127.0.0.1:${port}`, child, output);
    await prometheus.waitFor(
      async () => (await fetch(`${prometheus.url}/-/ready`)).ok,
      'Prometheus ready',
      30_000,
    );
    return prometheus;
  }

  async query(expr: string): Promise<Sample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: Sample[] };
    };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    return body.data?.result ?? [];
  }

  async api<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    return ((await response.json()) as { data: T }).data;
  }

  /** Polls until the check passes; on time-out the error includes Prometheus's own log. */
  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        if (await check()) return;
      } catch (err) {
        last = err;
      }
      await sleep(250);
    }
    throw new Error(
      `timed out waiting for ${what} (${String(last ?? 'condition false')})\n${this.output.join('').slice(-3000)}`,
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
