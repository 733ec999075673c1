import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { RULE_FILES, ruleGroups } from './lib/expressions.js';
import { path, readYaml } from './lib/repo.js';
import { run, tempDir } from './lib/tools.js';

/** The PrometheusRule specs as plain rule files, beside a copy of the promtool unit tests. */
function ruleFilesDir(): string {
  const dir = tempDir('rules');
  for (const file of RULE_FILES) {
    const name = basename(file, '.yaml') + '.rules.yaml';
    writeFileSync(join(dir, name), stringify({ groups: ruleGroups(file) }));
  }
  copyFileSync(path('tests/observability/rules.test.yaml'), join(dir, 'rules.test.yaml'));
  return dir;
}

interface UnitTests {
  rule_files: string[];
  tests: Array<{
    name: string;
    alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>;
  }>;
}

const alerts = RULE_FILES.flatMap((f) => ruleGroups(f).flatMap((g) => g.rules)).filter(
  (r) => r.alert,
);

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    const dir = ruleFilesDir();
    const files = RULE_FILES.map((f) => basename(f, '.yaml') + '.rules.yaml');
    const result = run('promtool', ['check', 'rules', ...files], { cwd: dir });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('pass their promtool unit tests', () => {
    const result = run('promtool', ['test', 'rules', 'rules.test.yaml'], { cwd: ruleFilesDir() });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('each have a unit test where they fire and one where they stay silent', () => {
    const unit = readYaml<UnitTests>('tests/observability/rules.test.yaml');
    const checks = unit.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const own = checks.filter((c) => c.alertname === alert);
      assert.ok(
        own.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert}: no test where it fires`,
      );
      assert.ok(
        own.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert}: no test where it stays silent`,
      );
    }
  });

  it('cover the failures the issue lists', () => {
    const names = alerts.map((a) => a.alert);
    for (const expected of [
      'FleetmanServiceDown',
      'FleetmanServiceAbsent',
      'FleetmanHigh5xxRatio',
      'FleetmanHighLatencyP95',
      'FleetmanConsumerStalled',
      'FleetmanHighRejectionRate',
      'FleetmanE2ELatencyHigh',
      'FluentBitOutputStalled',
      'ElasticsearchDiskAlmostFull',
    ]) {
      assert.ok(names.includes(expected), `missing alert ${expected}`);
    }
  });

  it('each carry a severity, a summary and a description', () => {
    for (const rule of alerts) {
      assert.match(
        rule.labels?.severity ?? '',
        /^(critical|warning|info)$/,
        `${rule.alert} severity`,
      );
      assert.ok(rule.annotations?.summary, `${rule.alert} summary`);
      assert.ok(rule.annotations?.description, `${rule.alert} description`);
      assert.ok(rule.for, `${rule.alert} has no 'for': one bad scrape would page`);
    }
  });
});
