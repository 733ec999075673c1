import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A service's real main.ts in a child process (from source, as the tests run everything), on a
 * free port, with its JSON log lines collected: what Kubernetes would run, minus the image.
 */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Every stdout line, parsed when it was JSON. */
  logs: unknown[];
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
}

export async function startServiceProcess(
  mainModule: URL,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=development', fileURLToPath(mainModule)],
    {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: unknown[] = [];
  let stderr = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" log line within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = parseLine(line);
        logs.push(parsed);
        const announced = (parsed as { port?: unknown } | undefined)?.port;
        if (typeof announced === 'number') {
          clearTimeout(timer);
          resolve(announced);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before listening: ${stderr}`));
    });
  });
  return { child, url: `http://127.0.0.1:${await port}`, logs, exited };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

export interface ShutdownObservation {
  /** /readyz status answered after SIGTERM and before the process exited (undefined if none). */
  readinessDuringDrain: number | undefined;
  /** The `checks` of that answer. */
  checks: Record<string, boolean> | undefined;
  exitCode: number | string;
}

/**
 * Waits until the service is ready, sends SIGTERM, then polls /readyz until the process is
 * gone. What matters is the order of events, not their timing: with a drain period the service
 * must still answer, and answer 503, before it exits.
 */
export async function observeShutdown(
  service: ServiceProcess,
  timeoutMs = 60_000,
): Promise<ShutdownObservation> {
  const deadline = Date.now() + timeoutMs;
  while ((await readiness(service.url))?.status !== 200) {
    if (Date.now() > deadline) throw new Error('the service never became ready');
    await pause(50);
  }
  let gone = false;
  void service.exited.then(() => (gone = true));
  service.child.kill('SIGTERM');
  let during: { status: number; checks?: Record<string, boolean> } | undefined;
  while (!gone && Date.now() < deadline) {
    const answer = await readiness(service.url);
    // Answers can still be 200 until the signal handler has run; keep the first 503.
    if (answer && (during === undefined || during.status !== 503)) during = answer;
    await pause(20);
  }
  return {
    readinessDuringDrain: during?.status,
    checks: during?.checks,
    exitCode: await service.exited,
  };
}

async function readiness(
  url: string,
): Promise<{ status: number; checks?: Record<string, boolean> } | undefined> {
  try {
    const response = await fetch(`${url}/readyz`);
    const body = (await response.json()) as { checks?: Record<string, boolean> };
    return { status: response.status, ...(body.checks && { checks: body.checks }) };
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
