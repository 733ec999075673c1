import { readdirSync } from 'node:fs';
import { objectsIn, path, readJson } from './repo.js';

export const RULE_FILES = [
  'platform/monitoring/rules/fleetman-services.yaml',
  'platform/monitoring/rules/platform.yaml',
];
export const DASHBOARD_DIR = 'platform/monitoring/dashboards';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The rule groups of a PrometheusRule manifest, as a Prometheus rule file holds them. */
export function ruleGroups(relPath: string): RuleGroup[] {
  return objectsIn(relPath)
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => (o.spec as { groups: RuleGroup[] }).groups);
}

export interface Target {
  refId: string;
  expr?: string;
  query?: string;
  datasource?: { type?: string; uid?: string };
  [key: string]: unknown;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { links?: Array<{ title?: string; url?: string }> } };
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating?: {
    list: Array<{ name: string; type: string; query?: unknown; datasource?: { uid?: string } }>;
  };
}

export function dashboardFiles(): string[] {
  return readdirSync(path(DASHBOARD_DIR))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${DASHBOARD_DIR}/${f}`);
}

export const loadDashboard = (relPath: string): Dashboard => readJson<Dashboard>(relPath);

/** Panels including those nested in rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface NamedExpression {
  where: string;
  expr: string;
}

/** Every PromQL expression of the rules and the dashboards, with where it comes from. */
export function allPromqlExpressions(): NamedExpression[] {
  const fromRules = RULE_FILES.flatMap((file) =>
    ruleGroups(file).flatMap((g) =>
      g.rules.map((r) => ({ where: `${file} ${r.alert ?? r.record}`, expr: r.expr })),
    ),
  );
  const fromDashboards = dashboardFiles().flatMap((file) => {
    const dashboard = loadDashboard(file);
    const panelExprs = allPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((t) => typeof t.expr === 'string')
        .map((t) => ({ where: `${file} "${panel.title}" ${t.refId}`, expr: t.expr as string })),
    );
    const variableExprs = (dashboard.templating?.list ?? [])
      .filter((v) => v.datasource?.uid === 'prometheus' && v.type === 'query')
      .map((v) => {
        const q = v.query as { query?: string } | string;
        const text = typeof q === 'string' ? q : (q.query ?? '');
        // label_values(selector, label) → the selector is the PromQL part.
        const inner = /^label_values\((.*),\s*\w+\)$/.exec(text)?.[1] ?? text;
        return { where: `${file} variable ${v.name}`, expr: inner };
      });
    return [...panelExprs, ...variableExprs];
  });
  return [...fromRules, ...fromDashboards];
}
