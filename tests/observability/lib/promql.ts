/**
 * Just enough PromQL lexing to list the metric names an expression reads. promtool proves
 * the expression parses; this only has to tell metric names from functions, keywords and
 * label names, which PromQL's grammar keeps apart by position.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+-?\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice((match.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (/^[0-9]/.test(word) || /^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(word)) continue;
    names.add(word);
  }
  // A literal `{__name__="x"}` selector names its metric inside the braces.
  for (const match of expr.matchAll(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) {
    if (match[1]) names.add(match[1]);
  }
  return [...names].sort();
}

/**
 * Grafana template variables replaced by values Prometheus accepts, so a dashboard query can be
 * parsed and run outside Grafana.
 */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, '1m')
    .replace(/\$__range|\$\{__range\}/g, '1h')
    .replace(/\$\{?(\w+)(?::\w+)?\}?/g, '.*');
}
