// The suite's world: both local clusters (scripts/dev-servers/control-plane.sh), the github.com
// stand-in serving this checkout and Argo CD's manifests, a developer's clone to push from, and
// the shell environment a user of each cluster has.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startGitHost, type GitHost } from './git-host.js';
import { Cluster, sh } from './kube.js';
import { GIT_ENV, argoCdRepository, fleetmanRepository } from './repos.js';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const CONTROL_PLANE = join(ROOT, 'scripts', 'dev-servers', 'control-plane.sh');
export const REPO_URL = 'https://github.com/fleetman/fleetman.git';

export function sourcesValue(key: string): string {
  const line = readFileSync(join(ROOT, 'tests', 'manifests', 'sources.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`tests/manifests/sources.env has no ${key}`);
  return line.slice(key.length + 1).trim();
}

async function controlPlane(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return (
      await run('bash', [CONTROL_PLANE, ...args], { env, maxBuffer: 64 * 1024 * 1024 })
    ).stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`control-plane.sh ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** A Go module's folder in the module cache (downloaded on first use, then offline). */
export async function goModuleDir(moduleAtVersion: string): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', moduleAtVersion], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { Dir: string }).Dir;
}

export interface World {
  minikube: Cluster;
  eks: Cluster;
  host: GitHost;
  /** A developer's clone of the served repository (origin = the github.com URL). */
  clone: string;
  /** The environment of that developer's shell (git through the stand-in). */
  devEnv: Record<string, string>;
  bin: string;
  close(): Promise<void>;
}

/**
 * Suite periods, short so that two refresh cycles take seconds (Argo CD's defaults are minutes):
 * the controller's reconciliation (and the repo server's revision cache) and the
 * ApplicationSet git generator's requeue. Passed as environment, like a Deployment's env.
 */
export const REFRESH_SECONDS = 10;
const ARGOCD_ENV = `ARGOCD_RECONCILIATION_TIMEOUT=${REFRESH_SECONDS}s ARGOCD_RECONCILIATION_JITTER=0 ARGOCD_APPLICATIONSET_CONTROLLER_REQUEUE_AFTER=${REFRESH_SECONDS}s`;

export async function startWorld(): Promise<World> {
  const cache = resolve(
    process.env.FLEETMAN_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'fleetman'),
  );
  const dir = join(cache, 'data', 'gitops-suite');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = await controlPlane(['bin-dir']);
  // Fresh clusters every run: the suite asserts what a first bootstrap does.
  await controlPlane(['wipe']);
  await controlPlane(['start', 'minikube', 'eks']);

  const argoTag = `v${sourcesValue('ARGOCD_MODULE').replace(/.*@v/, '')}`;
  const fleetman = fleetmanRepository(ROOT, dir, []);
  const argocd = argoCdRepository(await goModuleDir(sourcesValue('ARGOCD_MODULE')), dir, argoTag);
  const port = Number(process.env.FLEETMAN_GITOPS_PORT ?? 16460);
  const host = await startGitHost({
    port,
    dir,
    repos: { 'fleetman/fleetman': fleetman.bare, 'argoproj/argo-cd': argocd },
  });

  const userEnv = (kubeconfig: string): Record<string, string> => ({
    ...(process.env as Record<string, string>),
    ...host.env,
    PATH: `${bin}:${process.env.PATH}`,
    KUBECONFIG: kubeconfig,
    FLEETMAN_ARGOCD_ENV: ARGOCD_ENV,
  });
  const minikube = new Cluster('minikube', userEnv(await controlPlane(['kubeconfig', 'minikube'])));
  const eks = new Cluster('eks', userEnv(await controlPlane(['kubeconfig', 'eks'])));

  const clone = join(dir, 'developer');
  const devEnv = { ...minikube.env, ...GIT_ENV };
  await sh(['git', 'clone', '-q', REPO_URL, clone], devEnv);

  return {
    minikube,
    eks,
    host,
    clone,
    devEnv,
    bin,
    async close() {
      await host.close();
      if (!process.env.FLEETMAN_GITOPS_KEEP) await controlPlane(['stop']).catch(() => undefined);
    },
  };
}

/** Starts Argo CD's components for a cluster, as its Deployments would after the install. */
export async function startArgoCd(cluster: Cluster): Promise<void> {
  await controlPlane(['start-argocd', cluster.name], cluster.env);
}
