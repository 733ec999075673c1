import { readJson } from './repo.js';
import type { LogRecord } from './fluent-bit.js';

interface FieldMapping {
  type?: string;
  format?: string;
  properties?: Record<string, FieldMapping>;
}
interface IndexTemplate {
  index_patterns: string[];
  template: {
    settings: Record<string, unknown>;
    mappings: { properties: Record<string, FieldMapping> };
  };
}

export const indexTemplate = (): IndexTemplate =>
  readJson<IndexTemplate>('platform/logging/setup/index-template.json');

const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Does a mapped field (a.b.c) exist in the index template? */
export function isMapped(
  field: string,
  properties = indexTemplate().template.mappings.properties,
): boolean {
  const [head, ...rest] = field.split('.');
  const mapping = properties[head ?? ''];
  if (!mapping) return false;
  return rest.length === 0 || isMapped(rest.join('.'), mapping.properties ?? {});
}

function typeProblem(field: string, value: unknown, mapping: FieldMapping): string | undefined {
  const kind = Array.isArray(value) ? 'array' : typeof value;
  if (mapping.properties) {
    if (kind !== 'object') return `${field} is ${kind}, mapped as an object`;
    return undefined;
  }
  const ok: Record<string, string[]> = {
    keyword: ['string', 'number', 'boolean'],
    match_only_text: ['string'],
    text: ['string'],
    float: ['number'],
    long: ['number'],
    date: mapping.format === 'epoch_millis' ? ['number'] : ['string'],
  };
  const accepted = ok[mapping.type ?? ''];
  if (accepted && !accepted.includes(kind)) return `${field} is ${kind}, mapped as ${mapping.type}`;
  return undefined;
}

/**
 * What would go wrong indexing this shipped record: a field of the observability contract
 * missing or of the wrong type, or a value that clashes with the index template's mapping.
 */
export function recordProblems(record: LogRecord, { request = false } = {}): string[] {
  const problems: string[] = [];
  const required: Record<string, string> = {
    level: 'string',
    time: 'number',
    service: 'string',
    version: 'string',
    msg: 'string',
  };
  if (request) required.reqId = 'string';
  for (const [field, type] of Object.entries(required)) {
    if (typeof record[field] !== type)
      problems.push(`${field} should be a ${type}, got ${JSON.stringify(record[field])}`);
  }
  if (typeof record.level === 'string' && !PINO_LEVELS.includes(record.level))
    problems.push(`level ${record.level}`);
  if ('log' in record) problems.push('the JSON line was not lifted into fields (log kept)');
  const properties = indexTemplate().template.mappings.properties;
  for (const [field, value] of Object.entries(record)) {
    if (field.includes('.')) problems.push(`field ${field} still has a dot`);
    const mapping = properties[field];
    if (mapping) {
      const problem = typeProblem(field, value, mapping);
      if (problem) problems.push(problem);
      if (mapping.properties && typeof value === 'object' && value !== null) {
        for (const [sub, subValue] of Object.entries(value)) {
          const subMapping = mapping.properties[sub];
          const subProblem = subMapping && typeProblem(`${field}.${sub}`, subValue, subMapping);
          if (subProblem) problems.push(subProblem);
        }
      }
    }
  }
  return problems;
}
