// The commands the gitops suite takes from docs/gitops.md: what is run, what the local control
// plane replaces. No cluster needed; fails fast when the docs change shape.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { bootstrap, commands, documentedEksOrder, fillPlaceholders } from './lib/docs.js';
import { ROOT } from './lib/environment.js';

const DOC = join(ROOT, 'docs', 'gitops.md');

for (const cluster of ['minikube', 'eks'] as const) {
  test(`${cluster}: the documented bootstrap installs Argo CD, the ApplicationSet and the Secrets`, () => {
    const { steps, replaced } = bootstrap(DOC, cluster);
    const at = (re: RegExp) => steps.findIndex((s) => re.test(s));
    const argocd = at(/apply .*-k platform\/argocd/);
    const appset = at(new RegExp(`apply .*-k apps/${cluster}\\b`));
    assert.ok(argocd >= 0 && appset > argocd, 'Argo CD first, then the ApplicationSet');
    assert.ok(
      at(/create secret generic activemq-credentials/) >= 0,
      'the Secrets step is included',
    );
    assert.ok(at(/create secret generic mongodb-credentials/) >= 0);
    // Only what needs the provider (or never ends) is replaced.
    for (const r of replaced)
      assert.match(
        r,
        /^(minikube|eksctl|aws|kubectl get applications|kubectl port-forward)|minikube-images\.sh/,
      );
  });
}

test('backslash continuations are joined and comments kept as step markers', () => {
  assert.deepEqual(commands('# 1. x\nkubectl a \\\n  --b=c\n\nkubectl d\n'), [
    '# 1. x',
    'kubectl a --b=c',
    'kubectl d',
  ]);
});

test('a documented placeholder is filled, an unknown one is an error', () => {
  assert.equal(
    fillPlaceholders('promote.sh <a revision Minikube ran healthy>', [[/revision/, 'abc']]),
    'promote.sh abc',
  );
  assert.throws(
    () => fillPlaceholders('x <your-github-user>', [[/revision/, 'abc']]),
    /no value for the placeholder/,
  );
});

test('the EKS order is read from the numbered list, not from names mentioned on the way', () => {
  const known = ['argocd', 'storage', 'monitoring', 'logging', 'activemq', 'mongodb'];
  const order = documentedEksOrder(DOC, known);
  assert.ok(
    order.length >= 4,
    `the EKS section names the platform apps in order: ${order.join(', ')}`,
  );
  assert.equal(order[0], 'argocd', 'Argo CD first');
});
