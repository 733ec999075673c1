import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';

/** Repository root, from this file's place (tests/observability/lib). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const path = (...parts: string[]): string => join(REPO, ...parts);
export const rel = (absolute: string): string => relative(REPO, absolute);
export const readText = (relPath: string): string => readFileSync(path(relPath), 'utf8');
export const readYaml = <T = unknown>(relPath: string): T => parse(readText(relPath)) as T;
export const readJson = <T = unknown>(relPath: string): T => JSON.parse(readText(relPath)) as T;

/** Every `*.yaml`/`*.yml` below `dir` (relative paths), skipping node_modules and dotfiles. */
export function yamlFilesUnder(dir: string): string[] {
  const root = path(dir);
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name.startsWith('.') || name === 'node_modules') return [];
    const child = join(dir, name);
    if (statSync(path(child)).isDirectory()) return yamlFilesUnder(child);
    return /\.ya?ml$/.test(name) ? [child] : [];
  });
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  [key: string]: unknown;
}

/** The Kubernetes objects (documents with a `kind`) of a multi-document YAML file. */
export function objectsIn(relPath: string): K8sObject[] {
  return parseAllDocuments(readText(relPath))
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is K8sObject => typeof o === 'object' && o !== null && 'kind' in o);
}
