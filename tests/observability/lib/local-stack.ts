import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { path } from './repo.js';
import { SERVICES, type ServiceName } from './service-monitors.js';

const MAIN = 'services/local-stack/dist/main.js';

/**
 * The whole system in one process (services/local-stack), on free ports. Its stdout carries
 * every service's pino lines, which the Fluent Bit checks reuse.
 */
export class LocalStack {
  readonly lines: string[] = [];
  readonly metricsUrls = new Map<ServiceName, string>();
  gatewayUrl = '';

  private constructor(private readonly child: ChildProcess) {}

  static async start(timeoutMs = 90_000): Promise<LocalStack> {
    if (!existsSync(path(MAIN))) {
      throw new Error(
        `${MAIN} is missing: build the services first (npx tsc -b services/tsconfig.json, or npm run build)`,
      );
    }
    const child = spawn(process.execPath, [path(MAIN)], {
      cwd: path('.'),
      env: {
        ...process.env,
        GATEWAY_PORT: '0',
        TRACKER_PORT: '0',
        SIMULATOR_PORT: '0',
        INGEST_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stack = new LocalStack(child);
    let pending = '';
    const errors: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) stack.take(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (!stack.ready()) {
      if (child.exitCode !== null)
        throw new Error(`local stack exited with ${child.exitCode}: ${errors.join('')}`);
      if (Date.now() > deadline) {
        await stack.stop();
        throw new Error(
          `local stack did not announce its URLs within ${timeoutMs} ms; last output:\n${stack.lines.slice(-20).join('\n')}\n${errors.join('')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return stack;
  }

  /**
   * "Fleetman is up: http://127.0.0.1:<port>/" and the metrics URLs, each after the service's
   * name or short name ("metrics gateway http://…/metrics · tracker http://…/metrics · …").
   */
  private take(line: string): void {
    this.lines.push(line);
    const up = /Fleetman is up: (http:\/\/[\w.:[\]]+)\//.exec(line);
    if (up?.[1]) this.gatewayUrl = up[1];
    for (const service of SERVICES) {
      const short = service.replace(/^(position|api|device)-/, '');
      const url = new RegExp(`\\b(?:${service}|${short})\\s+(http://[\\w.:[\\]]+/metrics)`).exec(
        line,
      )?.[1];
      if (url) this.metricsUrls.set(service, url);
    }
  }

  private ready(): boolean {
    return this.gatewayUrl !== '' && SERVICES.every((s) => this.metricsUrls.has(s));
  }

  /** Lines that are JSON objects (the services' pino output). */
  jsonLines(): Array<{ raw: string; record: Record<string, unknown> }> {
    return this.lines.flatMap((raw) => {
      if (!raw.startsWith('{')) return [];
      try {
        return [{ raw, record: JSON.parse(raw) as Record<string, unknown> }];
      } catch {
        return [];
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Metric sample names of a Prometheus text exposition. */
export function exposedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
  );
}
