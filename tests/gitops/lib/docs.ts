// The commands docs/gitops.md tells a user to run, taken from the document itself so the suite
// runs exactly what is written (and fails when the text stops working).
import { readFileSync } from 'node:fs';

export interface Section {
  heading: string;
  body: string;
}

export function sections(markdown: string): Section[] {
  const out: Section[] = [];
  for (const part of markdown.split(/^## /m).slice(1)) {
    const nl = part.indexOf('\n');
    out.push({ heading: part.slice(0, nl).trim(), body: part.slice(nl + 1) });
  }
  return out;
}

export function section(markdown: string, heading: RegExp): Section {
  const found = sections(markdown).find((s) => heading.test(s.heading));
  if (!found) throw new Error(`docs/gitops.md has no section matching ${heading}`);
  return found;
}

/** The ```bash blocks of a section, in order. */
export function bashBlocks(body: string): string[] {
  return [...body.matchAll(/^```(?:bash|sh)\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** Joins backslash continuations; keeps comment lines (they mark steps) as `# ...` entries. */
export function commands(block: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!current && /^\s*#/.test(line)) {
      out.push(line.trim());
      continue;
    }
    if (!current && !line.trim()) continue;
    if (line.endsWith('\\')) {
      current += `${(current ? line.trimStart() : line).slice(0, -1).trimEnd()} `;
      continue;
    }
    current += current ? line.trimStart() : line;
    out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * What only a real provider does, which the local control plane replaces: creating the cluster
 * (minikube, eksctl), add-ons, building images in the VM; and the commands that never end
 * (watch, port-forward). Everything else in the bootstrap is run as written.
 */
export function isProviderOrInteractive(command: string): boolean {
  return (
    /^(minikube|eksctl|aws)\b/.test(command) ||
    /\s-w(\s|$)|--watch\b/.test(command) ||
    /\bport-forward\b/.test(command) ||
    // Builds images inside the Minikube VM (`minikube image build`): there is no VM here.
    /minikube-images\.sh/.test(command)
  );
}

/**
 * Fills the `<...>` placeholders of a documented command (e.g. `<a revision Minikube ran
 * healthy>`) from `values` (pattern -> value); a placeholder nothing matches is an error, so a
 * new one in the docs is noticed.
 */
export function fillPlaceholders(command: string, values: [RegExp, string][]): string {
  return command.replace(/<[^<>\n]+>/g, (placeholder) => {
    const hit = values.find(([pattern]) => pattern.test(placeholder));
    if (!hit)
      throw new Error(`docs/gitops.md: no value for the placeholder ${placeholder} in: ${command}`);
    return hit[1];
  });
}

export interface Bootstrap {
  /** Shell commands in order; the Secrets section's commands are inserted at the step naming it. */
  steps: string[];
  /** The provider steps the control plane stands in for (reported, not run). */
  replaced: string[];
}

/**
 * The bootstrap of `cluster` as docs/gitops.md writes it: the first bash block of its section,
 * with the step that says "the Secrets" replaced by the commands of the Secrets section.
 */
export function bootstrap(docPath: string, cluster: 'minikube' | 'eks'): Bootstrap {
  const doc = readFileSync(docPath, 'utf8');
  const own = section(doc, cluster === 'minikube' ? /^Minikube\b/ : /^EKS\b/);
  const block = bashBlocks(own.body)[0];
  if (!block) throw new Error(`docs/gitops.md: no bash block in the ${cluster} section`);
  const secrets = bashBlocks(section(doc, /^Secrets\b/).body)
    .flatMap(commands)
    .filter((c) => !c.startsWith('#'));
  const steps: string[] = [];
  const replaced: string[] = [];
  let secretsDone = false;
  for (const c of commands(block)) {
    if (c.startsWith('#')) {
      if (/\bSecrets\b/.test(c) && !secretsDone) {
        steps.push(...secrets);
        secretsDone = true;
      }
      continue;
    }
    if (isProviderOrInteractive(c)) replaced.push(c);
    else steps.push(c);
  }
  if (!secretsDone) steps.push(...secrets);
  return { steps, replaced };
}

/**
 * The EKS sync order the docs give for the Argo CD UI: the Application names in backticks of
 * the EKS section's numbered list (else its text), in order, limited to `known` names.
 */
export function documentedEksOrder(docPath: string, known: string[]): string[] {
  const own = section(readFileSync(docPath, 'utf8'), /^EKS\b/).body.replace(
    /^```[\s\S]*?^```/gm,
    '',
  );
  // A numbered list ("1. `argocd` ...") is the order; without one, the prose's order.
  const numbered = own
    .split('\n')
    .filter((l) => /^\s*\d+\.\s/.test(l))
    .map((l) => l.replace(/\(.*$/, '')) // the explanation in parentheses names other apps
    .join('\n');
  const order: string[] = [];
  for (const m of (numbered || own).matchAll(/`([a-z0-9-]+)`/g)) {
    const name = m[1]!;
    if (known.includes(name) && !order.includes(name)) order.push(name);
  }
  return order;
}
