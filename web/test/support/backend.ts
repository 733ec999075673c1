import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startFakeFeed, type FakeFeed } from '../../bench/fake-feed.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const LOCAL_STACK = `${REPO}services/local-stack/dist/main.js`;
export const WEB_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** What the browser talks to: the gateway (web at /, API at /api) or the fake feed. */
export interface Backend {
  url: string;
  kind: 'stack' | 'fake';
  /** Stops the server and starts it again on the same port, as a gateway restart does. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function requireWebBuild(): void {
  if (!existsSync(`${WEB_DIST}index.html`)) {
    throw new Error(
      `${WEB_DIST}index.html is missing: run \`npm run build\` (or \`npm run build -w @fleetman/web\`) first`,
    );
  }
}

export interface BackendOptions {
  /** Fleet size (the stack's VEHICLES); default: one vehicle per shipped track (30). */
  vehicles?: number;
  /** More environment for the stack (its services' settings); ignored by the fake feed. */
  env?: Record<string, string>;
}

/** E2E_BACKEND=fake uses the fixture feed; the default is the real stack (`npm start`). */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  requireWebBuild();
  return process.env.E2E_BACKEND === 'fake' ? startFake(options) : startStack(options);
}

async function startFake({ vehicles = 40 }: BackendOptions): Promise<Backend> {
  let feed: FakeFeed = await startFakeFeed({ vehicles, staticDir: WEB_DIST });
  const port = Number(new URL(feed.url).port);
  return {
    kind: 'fake',
    url: feed.url,
    restart: async () => {
      await feed.close();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      feed = await startFakeFeed({ vehicles, staticDir: WEB_DIST, port });
    },
    stop: () => feed.close(),
  };
}

interface StackProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

function spawnStack(
  gatewayPort: number,
  vehicles?: number,
  extraEnv: Record<string, string> = {},
): Promise<StackProcess> {
  const child = spawn(process.execPath, [LOCAL_STACK], {
    cwd: REPO,
    env: {
      ...process.env,
      GATEWAY_PORT: String(gatewayPort),
      TRACKER_PORT: '0',
      SIMULATOR_PORT: '0',
      LOG_LEVEL: 'warn',
      ...(vehicles ? { VEHICLES: String(vehicles) } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      // Do not leave it running: a late start would hold the port the next restart needs.
      child.kill('SIGKILL');
      reject(new Error('local stack did not print "Fleetman is up" within 60 s'));
    }, 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /Fleetman is up: (http:\/\/\S+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        buffer = '';
        resolve({ child, url: match[1]!.endsWith('/') ? match[1]! : `${match[1]}/`, exited });
      }
      if (buffer.length > 100_000) buffer = buffer.slice(-1000);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`local stack exited before it was up (${LOCAL_STACK})`));
    });
  });
}

async function startStack({ vehicles, env }: BackendOptions): Promise<Backend> {
  if (!existsSync(LOCAL_STACK)) {
    throw new Error(
      `${LOCAL_STACK} is missing: run \`npm run build\` at the repository root first`,
    );
  }
  let stack = await spawnStack(0, vehicles, env);
  const port = Number(new URL(stack.url).port);
  const stop = async () => {
    stack.child.kill('SIGTERM');
    await stack.exited;
  };
  return {
    kind: 'stack',
    url: stack.url,
    restart: async () => {
      await stop();
      stack = await spawnStack(port, vehicles, env);
    },
    stop,
  };
}
