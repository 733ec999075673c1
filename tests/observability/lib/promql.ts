import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names an expression reads, from Prometheus' own PromQL grammar (the Lezer parser
 * its web UI uses), so functions, keywords, label names and durations are told apart by the
 * grammar rather than by guessing. An expression the grammar cannot parse throws, naming the
 * position (promtool's check says why in detail).
 */
type SyntaxNode = ReturnType<ReturnType<typeof parser.parse>['cursor']>['node'];

export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const unquote = (literal: string) => JSON.parse(literal.replace(/^'|'$|^`|`$/g, '"')) as string;
  const cursor = parser.parse(expr).cursor();
  do {
    const node = cursor.node;
    if (node.type.isError)
      throw new Error(
        `PromQL does not parse at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 30))}`,
      );
    if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector') names.add(text(node));
    if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
      // {__name__="x"} names its metric as a label matcher.
      const label = node.getChild('LabelName') ?? node.getChild('QuotedLabelName');
      const op = node.getChild('MatchOp')?.firstChild;
      const value = node.getChild('StringLiteral');
      if (label && value && op?.name === 'EqlSingle' && /^"?__name__"?$/.test(text(label)))
        names.add(unquote(text(value)));
    }
    if (node.name === 'QuotedLabelName' && node.parent?.name === 'LabelMatchers')
      names.add(unquote(text(node))); // {"metric.name"}: a quoted name alone is the metric
  } while (cursor.next());
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
