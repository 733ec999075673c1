// Talking to one local cluster the way a user does: the kubectl built with the control plane,
// its kubeconfig, and the git host's proxy settings (so remote kustomize bases resolve).
// Every call is asynchronous: the git host runs in this process and must keep serving.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Application extends Json {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec: Json;
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    history?: { id: number; revision?: string }[];
    reconciledAt?: string;
    conditions?: { type: string; message: string }[];
    resources?: {
      kind: string;
      name: string;
      namespace?: string;
      status?: string;
      health?: { status?: string };
    }[];
  };
}

export type ClusterName = 'minikube' | 'eks';

export class Cluster {
  constructor(
    readonly name: ClusterName,
    /** The environment of a user's shell for this cluster: PATH, KUBECONFIG, proxy, CA bundle. */
    readonly env: Record<string, string>,
  ) {}

  async kubectl(args: string[], input?: string): Promise<string> {
    return sh(['kubectl', ...args], this.env, input);
  }

  /** `kubectl get -o json`, or undefined when the object does not exist. */
  async get(kind: string, name: string, namespace?: string): Promise<Json | undefined> {
    const ns = namespace ? ['-n', namespace] : [];
    const out = await this.kubectl(['get', kind, name, ...ns, '-o', 'json', '--ignore-not-found']);
    return out.trim() ? (JSON.parse(out) as Json) : undefined;
  }

  async list(kind: string, namespace?: string, selector?: string): Promise<Json[]> {
    const ns = namespace ? ['-n', namespace] : ['-A'];
    const sel = selector ? ['-l', selector] : [];
    return (
      JSON.parse(await this.kubectl(['get', kind, ...ns, ...sel, '-o', 'json'])) as {
        items: Json[];
      }
    ).items;
  }

  /**
   * Stands in for the cloud's load-balancer controller (AWS Load Balancer Controller on EKS,
   * `minikube tunnel` on Minikube): a LoadBalancer Service gets an address in its status, without
   * which Argo CD reports it Progressing forever. Nothing is reachable at that address; the NLBs
   * themselves are left to a real cluster.
   */
  async provideLoadBalancers(): Promise<void> {
    for (const svc of await this.list('services')) {
      if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) continue;
      const { name, namespace } = svc.metadata as { name: string; namespace: string };
      const status = {
        status: { loadBalancer: { ingress: [{ hostname: `${name}.${namespace}.elb.invalid` }] } },
      };
      await this.kubectl([
        'patch',
        'service',
        name,
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(status),
      ]);
    }
  }

  async applications(): Promise<Application[]> {
    return (await this.list('applications.argoproj.io', 'argocd')) as Application[];
  }

  async application(name: string): Promise<Application | undefined> {
    return (await this.get('applications.argoproj.io', name, 'argocd')) as Application | undefined;
  }

  /** What a git webhook (or the UI's Refresh button) does: ask for a fresh look at git. */
  async refresh(appNames: string[], appSets: string[]): Promise<void> {
    for (const a of appNames) {
      await this.kubectl([
        'annotate',
        '--overwrite',
        '-n',
        'argocd',
        'applications.argoproj.io',
        a,
        'argocd.argoproj.io/refresh=hard',
      ]).catch((e: Error) => {
        // Deleted meanwhile (a removed folder): nothing to refresh.
        if (!/NotFound/.test(e.message)) throw e;
      });
    }
    for (const s of appSets) {
      await this.kubectl([
        'annotate',
        '--overwrite',
        '-n',
        'argocd',
        'applicationsets.argoproj.io',
        s,
        'argocd.argoproj.io/application-set-refresh=true',
      ]);
    }
  }

  /**
   * What the UI's Sync button does: set the Application's operation (the API server does exactly
   * this), with the Application's own retry policy and sync options.
   */
  async sync(name: string): Promise<void> {
    const app = await this.application(name);
    if (!app) throw new Error(`${this.name}: no Application ${name} to sync`);
    const operation = {
      initiatedBy: { username: 'admin' },
      info: [{ name: 'Reason', value: 'gitops suite: sync from the UI' }],
      ...(app.spec.syncPolicy?.retry ? { retry: app.spec.syncPolicy.retry } : {}),
      sync: {
        revision: app.spec.source?.targetRevision ?? app.spec.sources?.[0]?.targetRevision,
        prune: false,
        syncOptions: app.spec.syncPolicy?.syncOptions ?? [],
      },
    };
    await this.kubectl([
      'patch',
      '-n',
      'argocd',
      'applications.argoproj.io',
      name,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ operation }),
    ]);
  }
}

/** Runs a command (no shell); on failure the error carries stdout and stderr. */
export async function sh(
  cmd: string[],
  env: Record<string, string>,
  input?: string,
): Promise<string> {
  if (input === undefined) {
    try {
      const { stdout } = await run(cmd[0]!, cmd.slice(1), { env, maxBuffer: 256 * 1024 * 1024 });
      return stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `${cmd.join(' ')} failed: ${err.stderr || err.message}${err.stdout ? `\n${err.stdout}` : ''}`,
      );
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (errOut += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd.join(' ')} failed (${code}): ${errOut}`)),
    );
    child.stdin.end(input);
  });
}

/**
 * Polls `probe` until it returns a value (not undefined), at most `seconds`. The deadline is a
 * failure bound, not a timing assertion; the error says what was last seen.
 */
export async function eventually<T>(
  what: string,
  seconds: number,
  probe: () => Promise<T | undefined>,
  describe?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = describe
        ? await describe().catch((e: Error) => e.message)
        : last instanceof Error
          ? last.message
          : '';
      throw new Error(
        `${what}: not reached within ${seconds}s${seen ? `\nlast seen:\n${seen}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** One line per Application: name, sync, health, operation phase, revision: for failure messages. */
export function appTable(apps: Application[]): string {
  return apps
    .map((a) => {
      const s = a.status ?? {};
      const cond = (s.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join('; ');
      const op = s.operationState
        ? `${s.operationState.phase}${s.operationState.message ? ` (${s.operationState.message.slice(0, 300)})` : ''}`
        : '-';
      return `${a.metadata.name.padEnd(24)} ${String(s.sync?.status).padEnd(10)} ${String(s.health?.status).padEnd(12)} op=${op} rev=${(s.sync?.revision ?? '').slice(0, 8)} ${cond.slice(0, 300)}`;
    })
    .join('\n');
}
