// The gitops suite: a real Argo CD (the version platform/argocd deploys) syncs this checkout into
// two local clusters, Minikube and EKS, each with its own kube-apiserver (kwok nodes), after
// the bootstrap written in docs/gitops.md. It drives what users do: git push (Minikube follows
// main), the EKS sync in the Argo CD UI in the documented order, promotion with
// scripts/release/promote.sh, and removing a folder. docs/gitops.md, "How the gitops suite
// runs", lists what it stands in for and what only a real cluster can show.
//
// The tests run in order and build on each other (one world, set up once).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { appFacts, applyChartCrds, isChartApp, ownedBy, settled, sourcesOf } from './lib/apps.js';
import { bootstrap, documentedEksOrder, fillPlaceholders } from './lib/docs.js';
import { GIT_ENV } from './lib/repos.js';
import { ROOT, REFRESH_SECONDS, startArgoCd, startWorld, type World } from './lib/environment.js';
import { appTable, eventually, sh, type Application, type Cluster, type Json } from './lib/kube.js';

const DOC = join(ROOT, 'docs', 'gitops.md');
const APPSET = { minikube: 'fleetman-minikube', eks: 'fleetman-eks' } as const;
const BRANCH = { minikube: 'main', eks: 'eks' } as const;
// Failure bounds (never timing assertions): how long a step may take before the suite gives up.
const SETTLE_SECONDS = 420;
const STEP_SECONDS = 240;

let world: World;
// Filled in as the story goes on.
const state: { pinned?: string; promoted?: string; eksOrder?: string[] } = {};

before(async () => {
  world = await startWorld();
});
after(async () => {
  await world?.close();
});

async function describeApps(cluster: Cluster): Promise<string> {
  return appTable(await cluster.applications());
}

/** The Applications the cluster's ApplicationSet generated (not the chart children). */
async function generated(cluster: Cluster): Promise<Application[]> {
  return (await cluster.applications()).filter((a) => ownedBy(a, APPSET[cluster.name]));
}

/** Apps whose sources the suite can serve offline: everything that is not, or does not hold, a chart Application. */
async function offlineApps(cluster: Cluster): Promise<string[]> {
  // Once every Application was compared with git, its resources list says what it holds.
  const apps = await eventually(
    `${cluster.name}: every Application compared with git`,
    STEP_SECONDS,
    async () => {
      const a = await generated(cluster);
      return a.length && a.every((x) => x.status?.resources?.length) ? a : undefined;
    },
    () => describeApps(cluster),
  );
  return apps
    .filter((a) => !(a.status?.resources ?? []).some((r) => r.kind === 'Application'))
    .map((a) => a.metadata.name)
    .sort();
}

async function waitSettled(
  cluster: Cluster,
  names: string[],
  revision?: string,
  seconds = SETTLE_SECONDS,
): Promise<Application[]> {
  return eventually(
    `${cluster.name}: ${names.join(', ')} Synced and Healthy${revision ? ` at ${revision.slice(0, 12)}` : ''}`,
    seconds,
    async () => {
      await cluster.provideLoadBalancers();
      const apps = await Promise.all(names.map((n) => cluster.application(n)));
      for (const a of apps) if (!(await settled(cluster, a, revision))) return undefined;
      return apps as Application[];
    },
    () => describeApps(cluster),
  );
}

/** Runs docs/gitops.md's bootstrap for a cluster; Argo CD's processes start when its install is applied. */
async function runBootstrap(cluster: Cluster): Promise<string[]> {
  const { steps, replaced } = bootstrap(DOC, cluster.name);
  assert.ok(
    steps.some((s) => /apply .*-k platform\/argocd/.test(s)),
    'the bootstrap installs Argo CD from platform/argocd',
  );
  assert.ok(
    steps.some((s) => new RegExp(`apply .*-k apps/${cluster.name}`).test(s)),
    `the bootstrap applies apps/${cluster.name}`,
  );
  assert.ok(
    steps.some((s) => /create secret generic activemq-credentials/.test(s)),
    'the bootstrap includes the Secrets step',
  );
  // A user runs the bootstrap from an up-to-date clone of the repository.
  await sh(['git', '-C', world.clone, 'pull', '-q', '--ff-only', 'origin', 'main'], world.devEnv);
  const placeholders: [RegExp, string][] = [[/revision/i, state.pinned ?? '<no revision yet>']];
  for (const documented of steps) {
    const step = fillPlaceholders(documented, placeholders);
    await sh(['bash', '-euo', 'pipefail', '-c', `cd ${JSON.stringify(world.clone)} && ${step}`], {
      ...cluster.env,
      ...GIT_ENV,
    }).catch((e: Error) => {
      throw new Error(`docs/gitops.md step failed on ${cluster.name}: ${step}\n${e.message}`);
    });
    if (/apply .*-k platform\/argocd/.test(step)) await startArgoCd(cluster);
  }
  return replaced;
}

async function push(message: string, change: () => void | Promise<void>): Promise<string> {
  const { clone, devEnv } = world;
  await sh(['git', '-C', clone, 'pull', '-q', '--ff-only', 'origin', 'main'], devEnv);
  await change();
  await sh(['git', '-C', clone, 'add', '-A'], devEnv);
  await sh(['git', '-C', clone, 'commit', '-q', '-m', message], devEnv);
  await sh(['git', '-C', clone, 'push', '-q', 'origin', 'HEAD:main'], devEnv);
  return (await sh(['git', '-C', clone, 'rev-parse', 'HEAD'], devEnv)).trim();
}

/** What GitHub's webhook would do after a push: every Application and the ApplicationSet look again. */
async function webhook(cluster: Cluster): Promise<void> {
  const names = (await cluster.applications()).map((a) => a.metadata.name);
  await cluster.refresh(names, [APPSET[cluster.name]]);
}

async function pinImages(digestSeed: string, only?: string): Promise<void> {
  const file = join(world.clone, 'clusters', 'images', 'kustomization.yaml');
  const pins = parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as {
    images: { name: string; newName: string }[];
  };
  for (const image of pins.images) {
    if (only && image.name !== only) continue;
    const digest = `sha256:${(await sh(['bash', '-c', `printf %s ${JSON.stringify(digestSeed + image.name)} | sha256sum | cut -c1-64`], world.devEnv)).trim()}`;
    // The script the images workflow runs to pin a build.
    await sh(
      [
        'node',
        '--import',
        'tsx',
        join(ROOT, 'scripts', 'release', 'pin-images.ts'),
        '--file',
        file,
        'set',
        image.name,
        image.newName,
        `sha-${digestSeed}`,
        digest,
      ],
      world.devEnv,
    );
  }
}

/**
 * The promotion step, as .github/workflows/promote.yaml runs it, from the developer's clone.
 * Without --require-healthy: that checks every Minikube Application, and logging/monitoring
 * cannot be Healthy offline (their charts); the suite checks the offline ones itself first.
 */
async function promote(revision: string): Promise<void> {
  const script = join(ROOT, 'scripts', 'release', 'promote.sh');
  await sh(
    [
      'bash',
      '-c',
      `cd ${JSON.stringify(world.clone)} && bash ${JSON.stringify(script)} ${revision}`,
    ],
    world.devEnv,
  );
}

async function liveImage(
  cluster: Cluster,
  deployment: string,
): Promise<{ image: string; annotations: Record<string, string>; rolled: boolean }> {
  const d = (await cluster.get('deployment', deployment, 'fleetman')) as Json;
  const tpl = d.spec.template;
  const rolled =
    d.status?.observedGeneration === d.metadata.generation &&
    d.status?.updatedReplicas === d.spec.replicas &&
    d.status?.availableReplicas === d.spec.replicas;
  return {
    image: tpl.spec.containers[0].image as string,
    annotations: (tpl.metadata.annotations ?? {}) as Record<string, string>,
    rolled,
  };
}

describe('gitops: Minikube follows main', () => {
  test('bootstrap exactly as docs/gitops.md writes it (Argo CD, projects and ApplicationSet, Secrets)', async () => {
    // Only the provider's own commands are replaced (docs.test.ts checks which).
    await runBootstrap(world.minikube);
    const secret = await world.minikube.get('secret', 'mongodb-credentials', 'fleetman');
    assert.ok(secret, 'the Secrets step created mongodb-credentials');
  });

  test('the ApplicationSet generates one Application per clusters/minikube folder, with its app.yaml facts', async () => {
    const facts = appFacts(ROOT, 'minikube');
    const apps = await eventually(
      `minikube: ${facts.length} Applications`,
      STEP_SECONDS,
      async () => {
        const a = await generated(world.minikube);
        return a.length === facts.length ? a : undefined;
      },
      () => describeApps(world.minikube),
    );
    const byName = new Map(apps.map((a) => [a.metadata.name, a]));
    for (const f of facts) {
      const app = byName.get(f.name);
      assert.ok(app, `Application ${f.name}`);
      assert.equal(app.spec.project, f.project, `${f.name}: project`);
      assert.equal(app.spec.destination.namespace, f.namespace, `${f.name}: namespace`);
      assert.equal(app.metadata.labels?.['fleetman.io/tier'], f.tier, `${f.name}: tier label`);
      assert.equal(
        app.spec.project === 'platform',
        f.tier === 'platform',
        `${f.name}: platform tier <=> platform project`,
      );
      assert.equal(sourcesOf(app)[0]?.targetRevision, 'main', `${f.name}: Minikube runs main`);
      assert.ok(app.spec.syncPolicy?.automated, `${f.name}: Minikube syncs by itself`);
    }
  });

  test('a ServiceMonitor whose CRD is missing does not stop the workloads of its app (defect 2)', async () => {
    // No Prometheus Operator CRDs yet (kube-prometheus-stack cannot have run): the broker and
    // the services must still be applied, not rejected whole by the dry run.
    assert.equal(
      await world.minikube.get('crd', 'servicemonitors.monitoring.coreos.com'),
      undefined,
    );
    await eventually(
      'minikube: activemq StatefulSet and position-tracker Deployment applied without the ServiceMonitor CRD',
      STEP_SECONDS,
      async () => {
        const sts = await world.minikube.get('statefulset', 'activemq', 'fleetman');
        const dep = await world.minikube.get('deployment', 'position-tracker', 'fleetman');
        return sts && dep ? true : undefined;
      },
      () => describeApps(world.minikube),
    );
  });

  test('every offline-reachable Application becomes Synced and Healthy', async () => {
    // Stand in for the chart Applications, which cannot fetch their charts offline: their CRDs.
    await applyChartCrds(world.minikube, 'eck-operator');
    await applyChartCrds(world.minikube, 'kube-prometheus-stack');
    const names = await offlineApps(world.minikube);
    for (const n of [
      'argocd',
      'activemq',
      'mongodb',
      'position-simulator',
      'position-tracker',
      'api-gateway',
      'web',
    ]) {
      assert.ok(names.includes(n), `${n} is served offline`);
    }
    await waitSettled(world.minikube, names);
  });

  test('they stay Synced over two refresh cycles, with no further sync (defect 1: volumeClaimTemplates)', async () => {
    const names = await offlineApps(world.minikube);
    const start = new Map(
      (await Promise.all(names.map((n) => world.minikube.application(n)))).map((a) => [
        a!.metadata.name,
        a!,
      ]),
    );
    const seen = new Map(names.map((n) => [n, new Set([start.get(n)!.status?.reconciledAt])]));
    await eventually(
      `minikube: two more reconciliations of ${names.join(', ')}`,
      REFRESH_SECONDS * 12,
      async () => {
        for (const n of names) {
          const a = (await world.minikube.application(n))!;
          assert.equal(
            a.status?.sync?.status,
            'Synced',
            `${n} went ${a.status?.sync?.status} after a refresh:\n${appTable([a])}`,
          );
          assert.equal(
            a.status?.history?.length,
            start.get(n)!.status?.history?.length,
            `${n} synced again (drift loop)`,
          );
          seen.get(n)!.add(a.status?.reconciledAt);
        }
        return [...seen.values()].every((s) => s.size >= 3) ? true : undefined;
      },
    );
  });

  test('the Helm-chart Applications are generated with the pinned chart, version and values', async () => {
    const children = (await world.minikube.applications()).filter(isChartApp);
    assert.deepEqual(children.map((a) => a.metadata.name).sort(), [
      'eck-operator',
      'kube-prometheus-stack',
    ]);
    const rendered = new Map<string, Json>();
    for (const folder of ['logging', 'monitoring']) {
      const out = await world.minikube.kubectl([
        'kustomize',
        join(ROOT, 'clusters', 'minikube', folder),
      ]);
      for (const d of parseAllDocuments(out)) {
        const o = d.toJS() as Json;
        if (o?.kind === 'Application') rendered.set(o.metadata.name, o);
      }
    }
    for (const app of children) {
      const want = rendered.get(app.metadata.name);
      assert.ok(want, `${app.metadata.name} is rendered from git`);
      const [live, expected] = [sourcesOf(app), sourcesOf(want as Application)];
      for (const [i, s] of expected.entries()) {
        if (s.chart) {
          assert.equal(live[i]!.chart, s.chart);
          assert.match(
            String(live[i]!.targetRevision),
            /^\d+\.\d+\.\d+$/,
            `${app.metadata.name}: an exact chart version`,
          );
          assert.equal(live[i]!.targetRevision, s.targetRevision);
          assert.equal(live[i]!.repoURL, s.repoURL);
          assert.deepEqual(live[i]!.helm, s.helm, `${app.metadata.name}: values as in git`);
          for (const vf of (s.helm?.valueFiles ?? []) as string[]) {
            const path = vf.replace(/^\$values\//, '');
            assert.ok(
              readFileSync(join(ROOT, path), 'utf8').length > 0,
              `${app.metadata.name}: value file ${path} exists`,
            );
          }
        } else if (s.ref) {
          assert.equal(
            live[i]!.targetRevision,
            BRANCH.minikube,
            `${app.metadata.name}: values from the branch Minikube runs`,
          );
        }
      }
      assert.equal(
        app.metadata.labels?.['fleetman.io/tier'],
        'platform',
        `${app.metadata.name}: tier label (defect 3)`,
      );
      assert.ok(
        app.spec.syncPolicy?.automated,
        `${app.metadata.name}: automatic, so its parent never waits for a manual sync (defect 3)`,
      );
    }
  });
});

describe('gitops: EKS runs what was promoted, synced in the UI', () => {
  test('the images workflow pins built digests on main and Minikube runs that revision', async () => {
    // What merging the images workflow's pin pull request does: every own image gets a digest
    // (promote.sh refuses never-built ones).
    const revision = await push('images: pin sha-build1', () => pinImages('build1'));
    await webhook(world.minikube);
    await waitSettled(world.minikube, await offlineApps(world.minikube), revision);
    state.pinned = revision;
  });

  test('bootstrap exactly as docs/gitops.md writes it; nothing syncs by itself', async () => {
    await runBootstrap(world.eks);
    // The docs' first promotion created branch eks at exactly the revision Minikube ran.
    const eksHead = (
      await sh(['git', '-C', world.clone, 'ls-remote', 'origin', 'refs/heads/eks'], world.devEnv)
    ).split('\t')[0];
    assert.equal(eksHead, state.pinned, 'branch eks is the revision Minikube ran healthy');
    const facts = appFacts(ROOT, 'eks');
    const apps = await eventually(
      `eks: ${facts.length} Applications`,
      STEP_SECONDS,
      async () => {
        const a = await generated(world.eks);
        return a.length === facts.length && a.every((x) => x.status?.sync?.status) ? a : undefined;
      },
      () => describeApps(world.eks),
    );
    for (const f of facts) {
      const app = apps.find((a) => a.metadata.name === f.name);
      assert.ok(app, `Application ${f.name}`);
      assert.equal(app.spec.project, f.project, `${f.name}: project`);
      assert.equal(app.spec.destination.namespace, f.namespace, `${f.name}: namespace`);
      assert.equal(app.metadata.labels?.['fleetman.io/tier'], f.tier, `${f.name}: tier label`);
      assert.equal(sourcesOf(app)[0]?.targetRevision, 'eks', `${f.name}: EKS runs branch eks`);
      assert.equal(
        app.spec.syncPolicy?.automated,
        undefined,
        `${f.name}: EKS never syncs by itself`,
      );
      assert.equal(app.status?.operationState, undefined, `${f.name}: no sync ran`);
      assert.equal(
        app.status?.sync?.revision,
        state.pinned,
        `${f.name}: compared at the promoted revision`,
      );
    }
  });

  test('the UI flow: platform apps by fleetman.io/order, then the services, completes (defect 3)', async () => {
    const apps = await generated(world.eks);
    const order = (a: Application) => Number(a.metadata.labels?.['fleetman.io/order'] ?? 99);
    const platform = apps
      .filter((a) => a.metadata.labels?.['fleetman.io/tier'] === 'platform')
      .sort((a, b) => order(a) - order(b));
    const services = apps.filter((a) => a.metadata.labels?.['fleetman.io/tier'] === 'services');
    assert.equal(platform.length + services.length, apps.length, 'every Application has a tier');
    // The docs name the platform apps in the same order as the labels.
    const documented = documentedEksOrder(
      DOC,
      apps.map((a) => a.metadata.name),
    );
    const platformNames = platform.map((a) => a.metadata.name);
    const documentedPlatform = documented.filter((n) => platformNames.includes(n));
    assert.deepEqual(
      documentedPlatform,
      platformNames.filter((n) => documentedPlatform.includes(n)),
      'docs/gitops.md lists the platform apps in fleetman.io/order',
    );
    state.eksOrder = [...platformNames, ...services.map((a) => a.metadata.name)];

    const offline = await offlineApps(world.eks);
    for (const app of platform) {
      const name = app.metadata.name;
      await world.eks.sync(name);
      if (offline.includes(name)) {
        await waitSettled(world.eks, [name], state.pinned, STEP_SECONDS);
        continue;
      }
      // A folder holding a chart Application: the child appears (automatic, labelled) and would
      // install its chart; offline the suite applies the chart's CRDs in its place and moves on.
      const child = await eventually(
        `eks: ${name} creates its chart Application`,
        STEP_SECONDS,
        async () => {
          const live = await world.eks.application(name);
          const ref = (live?.status?.resources ?? []).find((r) => r.kind === 'Application');
          return ref ? world.eks.application(ref.name) : undefined;
        },
        () => describeApps(world.eks),
      );
      assert.equal(
        child.metadata.labels?.['fleetman.io/tier'],
        'platform',
        `${child.metadata.name}: tier label`,
      );
      assert.ok(
        child.spec.syncPolicy?.automated,
        `${child.metadata.name}: automatic (a manual child stalls ${name})`,
      );
      for (const s of sourcesOf(child))
        if (s.ref)
          assert.equal(s.targetRevision, 'eks', `${child.metadata.name}: values from branch eks`);
      await applyChartCrds(world.eks, child.metadata.name);
    }
    for (const app of services) await world.eks.sync(app.metadata.name);
    await waitSettled(world.eks, offline, state.pinned);
  });
});

describe('gitops: promotion moves a whole tested revision', () => {
  let revision = '';

  test('a commit changing a shared base and a digest rolls Minikube and leaves EKS untouched (defect 4)', async () => {
    const before = await liveImage(world.eks, 'web');
    revision = await push('web: a shared-base change and a new digest', async () => {
      const file = join(world.clone, 'web', 'deploy', 'deployment.yaml');
      const text = readFileSync(file, 'utf8');
      const docs = parseAllDocuments(text);
      const dep = docs.find((d) => d.get('kind') === 'Deployment')!;
      dep.setIn(
        ['spec', 'template', 'metadata', 'annotations', 'fleetman.io/gitops-suite'],
        revisionMarker,
      );
      writeFileSync(file, docs.map((d) => d.toString()).join('---\n'));
      await pinImages('build2', 'fleetman-web');
    });
    await webhook(world.minikube);
    await webhook(world.eks);
    await waitSettled(world.minikube, ['web'], revision);
    const mk = await eventually(
      'minikube: web rolled out with the new template',
      STEP_SECONDS,
      async () => {
        const live = await liveImage(world.minikube, 'web');
        return live.rolled && live.annotations['fleetman.io/gitops-suite'] === revisionMarker
          ? live
          : undefined;
      },
    );
    assert.match(mk.image, /sha-build2@sha256:/);
    // EKS: the revision it runs did not move, so nothing is even OutOfSync.
    await eventually('eks: web refreshed after the push', STEP_SECONDS, async () => {
      const a = await world.eks.application('web');
      return a?.metadata.annotations?.['argocd.argoproj.io/refresh'] === undefined ? a : undefined;
    });
    const eksWeb = (await world.eks.application('web'))!;
    assert.equal(eksWeb.status?.sync?.status, 'Synced');
    assert.equal(eksWeb.status?.sync?.revision, state.pinned);
    assert.deepEqual(
      await liveImage(world.eks, 'web'),
      before,
      'EKS runs exactly what it ran before',
    );
  });

  test('promote.sh moves eks to exactly the revision Minikube ran healthy, and EKS syncs it', async () => {
    await waitSettled(world.minikube, await offlineApps(world.minikube), revision);
    await promote(revision);
    await webhook(world.eks);
    await eventually(
      'eks: web OutOfSync at the promoted revision',
      STEP_SECONDS,
      async () => {
        const a = await world.eks.application('web');
        return a?.status?.sync?.revision === revision && a.status.sync.status === 'OutOfSync'
          ? a
          : undefined;
      },
      () => describeApps(world.eks),
    );
    // The UI: the services tier.
    const services = (await generated(world.eks)).filter(
      (a) => a.metadata.labels?.['fleetman.io/tier'] === 'services',
    );
    for (const a of services) await world.eks.sync(a.metadata.name);
    await waitSettled(
      world.eks,
      services.map((a) => a.metadata.name),
      revision,
    );
    const eks = await eventually('eks: web rolled out', STEP_SECONDS, async () => {
      const live = await liveImage(world.eks, 'web');
      return live.rolled ? live : undefined;
    });
    const mk = await liveImage(world.minikube, 'web');
    assert.equal(eks.image, mk.image, 'the same digest as Minikube ran');
    assert.equal(
      eks.annotations['fleetman.io/gitops-suite'],
      revisionMarker,
      'the same manifests as Minikube ran',
    );
  });
});

describe('gitops: folders are the Applications', () => {
  test('removing a Minikube folder deletes its Application and prunes its workloads (defect 5)', async () => {
    // docs/gitops.md: every generated Application carries Argo CD's resources finalizer.
    const app = await world.minikube.application('position-simulator');
    assert.ok(
      app?.metadata.finalizers?.some((f) => f.startsWith('resources-finalizer.argocd.argoproj.io')),
      'the position-simulator Application carries the resources finalizer',
    );
    assert.ok(await world.minikube.get('deployment', 'position-simulator', 'fleetman'));
    await push('remove position-simulator from Minikube', () => {
      rmSync(join(world.clone, 'clusters', 'minikube', 'position-simulator'), { recursive: true });
    });
    await webhook(world.minikube);
    await eventually(
      'minikube: the position-simulator Application and its Deployment are gone',
      STEP_SECONDS,
      async () => {
        const app = await world.minikube.application('position-simulator');
        const dep = await world.minikube.get('deployment', 'position-simulator', 'fleetman');
        return !app && !dep ? true : undefined;
      },
      () => describeApps(world.minikube),
    );
    // The rest keeps running.
    assert.ok(await world.minikube.get('deployment', 'position-tracker', 'fleetman'));
  });
});

const revisionMarker = 'promoted-together';
