// The git repositories the gitops suite serves as github.com: this checkout (as it is on disk,
// tracked and new files, nothing edited) and Argo CD's install manifests at the pinned tag, the
// remote base platform/argocd names.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** Author identity and a fixed clock for the suite's commits (reproducible, never the user's). */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'gitops suite',
  GIT_AUTHOR_EMAIL: 'gitops-suite@fleetman.invalid',
  GIT_COMMITTER_NAME: 'gitops suite',
  GIT_COMMITTER_EMAIL: 'gitops-suite@fleetman.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/** A bare repository from the files of `work` (one commit on `branch`), pushes allowed. */
function bareFrom(work: string, bare: string, message: string, branch: string): string {
  git(work, ['init', '-q', '-b', branch]);
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', message]);
  rmSync(bare, { recursive: true, force: true });
  mkdirSync(dirname(bare), { recursive: true });
  git(dirname(bare), ['clone', '-q', '--bare', work, bare]);
  git(bare, ['config', 'http.receivepack', 'true']);
  // Argo CD and kustomize fetch single refs and commits by SHA.
  git(bare, ['config', 'uploadpack.allowReachableSHA1InWant', 'true']);
  return git(work, ['rev-parse', 'HEAD']);
}

/** A symlink leaving the checkout (a local node_modules link, say): Argo CD refuses those. */
function linksOutside(root: string, file: string): boolean {
  const path = join(root, file);
  if (!lstatSync(path).isSymbolicLink()) return false;
  const target = relative(realpathSync(root), realpathSync(path));
  return target.startsWith('..') || isAbsolute(target);
}

/**
 * The checkout as a repository with `main` (and `extraBranches`, same commit): what is on disk
 * now, tracked or new, minus ignored files, so the suite tests the change being made.
 */
export function fleetmanRepository(
  root: string,
  dir: string,
  extraBranches: string[],
): { bare: string; revision: string } {
  const work = join(dir, 'snapshot');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const files = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)) && !linksOutside(root, f));
  for (const f of files)
    cpSync(join(root, f), join(work, f), { recursive: false, verbatimSymlinks: true });
  const bare = join(dir, 'served', 'fleetman', 'fleetman.git');
  const revision = bareFrom(work, bare, 'checkout snapshot for the gitops suite', 'main');
  for (const b of extraBranches) git(bare, ['branch', b, 'main']);
  rmSync(work, { recursive: true, force: true });
  return { bare, revision };
}

/** Argo CD's manifests/ from its Go module, committed and tagged `tag`. */
export function argoCdRepository(moduleDir: string, dir: string, tag: string): string {
  const work = join(dir, 'argo-cd-snapshot');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(moduleDir, 'manifests'), join(work, 'manifests'), { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', work]);
  const bare = join(dir, 'served', 'argoproj', 'argo-cd.git');
  bareFrom(work, bare, `Argo CD ${tag} manifests (from the Go module)`, 'master');
  git(bare, ['tag', tag, 'master']);
  rmSync(work, { recursive: true, force: true });
  return bare;
}
