import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const addFormats = addFormatsModule.default;

/**
 * The contract's documents (@fleetman/contract openapi.yaml and asyncapi.yaml) turned into
 * checks: which operation a request is, whether its parameters fit their schemas (the only
 * definition of request validation, used by the gateway and the tracker alike), and whether a
 * response, a stream event or a queue message fits its schema (used by the tests).
 */

type Json = Record<string, unknown>;
type Location = 'path' | 'query' | 'header';

interface Parameter {
  name: string;
  in: Location;
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  /** As written in the document: `/vehicles/{id}/history`. */
  path: string;
  /** The same for @koa/router: `/vehicles/:id/history`. */
  routerPath: string;
  operationId: string;
  /** `x-upstream`: which service answers it behind the gateway (`tracker`, `gateway`…). */
  upstream: string | undefined;
  /**
   * `x-access`: `read` (the default), `write` (changes state) or `admin` (reads what only an
   * operator may see). The gateway routes `write` and `admin` apart from the read API, so the
   * access-control issue can protect them in one place.
   */
  access: 'read' | 'write' | 'admin';
  readonly spec: Json;
}

export interface OperationMatch {
  operation: Operation;
  /** Raw (still percent-encoded) path parameters. */
  pathParams: Record<string, string>;
}

export interface RequestProblem {
  /** `bad_query` for query parameters, `bad_request` for the rest. */
  code: 'bad_query' | 'bad_request';
  message: string;
}

export interface RequestInput {
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

export interface CheckedRequest {
  problem?: RequestProblem;
  /** The query as its schemas type it (integers are numbers), defaults filled in. */
  query: Record<string, unknown>;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

export interface ResponseInput {
  method: string;
  /** Path without the server prefix (`/vehicles/v1`), query string allowed. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** Parsed JSON for JSON media types, the text otherwise. */
  body: unknown;
}

interface CompiledOperation extends Operation {
  pattern: RegExp;
  paramNames: string[];
  /** Literal characters in the template: the most specific template wins (`/a/b` over `/a/{x}`). */
  specificity: number;
  checks: Record<Location, { validate: ValidateFunction; names: Set<string> } | undefined>;
}

const DOCUMENTS = { openapi: 'openapi.yaml', asyncapi: 'asyncapi.yaml' } as const;
export type ContractDocument = keyof typeof DOCUMENTS;

export class ApiContract {
  readonly operations: readonly Operation[];
  readonly #compiled: CompiledOperation[];
  readonly #openapi: Json;
  /** openapi.yaml as an object (the API docs serve it). */
  readonly document: Json;
  /** Coerces query strings to their types and fills defaults: for requests. */
  readonly #requests: Ajv2020;
  /** Takes values as they are: for responses, events and messages. */
  readonly #values: Ajv2020;

  constructor(documents: Record<ContractDocument, Json>) {
    this.#openapi = documents.openapi;
    this.document = documents.openapi;
    this.#requests = createAjv({ coerceTypes: true, useDefaults: true });
    this.#values = createAjv({});
    for (const ajv of [this.#requests, this.#values]) {
      for (const [name, document] of Object.entries(documents)) {
        const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
        ajv.addSchema({ $id: schemaUrn(name), $defs: rewriteRefs(schemas, name) });
      }
    }
    this.#compiled = compileOperations(this.#openapi, this.#requests);
    this.operations = this.#compiled;
  }

  /** The operation `method path` is (HEAD is GET's), or undefined for a path not in the document. */
  match(method: string, path: string): OperationMatch | undefined {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const pathname = path.split('?')[0] ?? path;
    let best: { operation: CompiledOperation; groups: string[] } | undefined;
    for (const operation of this.#compiled) {
      if (operation.method !== wanted) continue;
      const found = operation.pattern.exec(pathname);
      if (found && (!best || operation.specificity > best.operation.specificity))
        best = { operation, groups: found.slice(1) };
    }
    if (!best) return undefined;
    const { operation, groups } = best;
    return {
      operation,
      pathParams: Object.fromEntries(operation.paramNames.map((name, i) => [name, groups[i]!])),
    };
  }

  /** Whether the request's path, query and header parameters fit the operation's schemas. */
  checkRequest(match: OperationMatch, input: RequestInput): CheckedRequest {
    const operation = match.operation as CompiledOperation;
    const params: Record<string, string> = {};
    for (const [name, raw] of Object.entries(match.pathParams)) {
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        return fail('bad_request', `path parameter "${name}" is not valid percent-encoding`);
      }
    }
    const headers = Object.fromEntries(
      Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const query: Record<string, unknown> = {};
    for (const location of ['path', 'query', 'header'] as const) {
      const check = operation.checks[location];
      if (!check) continue;
      const source = location === 'path' ? params : location === 'query' ? input.query : headers;
      const values: Record<string, unknown> = {};
      for (const name of check.names) {
        const value = source[location === 'header' ? name.toLowerCase() : name];
        if (value === undefined) continue;
        if (Array.isArray(value))
          return fail(codeFor(location), `${label(location, name)} may be given once`);
        if (value === '')
          return fail(codeFor(location), `${label(location, name)} must not be empty`);
        values[name] = value;
      }
      if (!check.validate(values)) {
        const errors = check.validate.errors ?? [];
        // anyOf/oneOf come after their branches' errors, and say more (the schema's description).
        const error =
          errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ?? errors[0];
        return fail(codeFor(location), describe(location, error));
      }
      if (location === 'query') Object.assign(query, values);
    }
    return { query, params };

    function fail(code: RequestProblem['code'], message: string): CheckedRequest {
      return { problem: { code, message }, query: {}, params: {} };
    }
  }

  /** What is wrong with a response to `method path` (nothing: an empty list). */
  checkResponse({ method, path, status, contentType, body }: ResponseInput): string[] {
    const match = this.match(method, path);
    const where = `${method} ${path} → ${status}`;
    if (!match) {
      if (status < 400) return [`${where}: the path is not in openapi.yaml`];
      return this.#validate(this.#values, schemaRef('openapi', 'Error'), body, where);
    }
    const responses = (match.operation.spec.responses ?? {}) as Json;
    const declared =
      responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (declared === undefined)
      return [`${where}: status ${status} is not documented for ${match.operation.operationId}`];
    const response = deref(this.#openapi, declared as Json);
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    if (!content) return [];
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const entry = content[mediaType] ?? content['*/*'];
    if (!entry)
      return [
        `${where}: content type "${mediaType}" is not one of ${Object.keys(content).join(', ')}`,
      ];
    if (!entry.schema) return [];
    return this.#validate(this.#values, rewriteRefs(entry.schema, 'openapi'), body, where);
  }

  /** What is wrong with `value` as the document's `components.schemas[name]`. */
  checkSchema(document: ContractDocument, name: string, value: unknown): string[] {
    return this.#validate(this.#values, schemaRef(document, name), value, name);
  }

  readonly #compiledSchemas = new Map<string, ValidateFunction>();

  #validate(ajv: Ajv2020, schema: Json, value: unknown, where: string): string[] {
    const key = JSON.stringify(schema);
    let validate = this.#compiledSchemas.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      this.#compiledSchemas.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}: ${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`,
    );
  }
}

let loaded: ApiContract | undefined;

/** The contract as @fleetman/contract ships it, read once per process. */
export function loadApiContract(): ApiContract {
  loaded ??= new ApiContract({
    openapi: readDocument('openapi'),
    asyncapi: readDocument('asyncapi'),
  });
  return loaded;
}

function readDocument(name: ContractDocument): Json {
  const url = import.meta.resolve(`@fleetman/contract/${DOCUMENTS[name]}`);
  return parseYaml(readFileSync(fileURLToPath(url), 'utf8')) as Json;
}

function createAjv(options: { coerceTypes?: boolean; useDefaults?: boolean }): Ajv2020 {
  // strictTypes off: `type: [number, 'null']` with `minimum` is plain JSON Schema.
  const ajv = new Ajv2020({ ...options, strictTypes: false, allErrors: false, verbose: true });
  addFormats(ajv);
  return ajv;
}

const schemaUrn = (document: string) => `urn:fleetman:${document}`;
const schemaRef = (document: ContractDocument, name: string) => ({
  $ref: `${schemaUrn(document)}#/$defs/${name}`,
});

/** `#/components/schemas/X` (and `./openapi.yaml#/components/schemas/X`) → the URN Ajv knows. */
function rewriteRefs<T>(value: T, document: string): T {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, document)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string') {
      const [file, pointer = ''] = item.split('#');
      const target = file ? file.replace(/^\.\//, '').replace(/\.yaml$/, '') : document;
      out[key] = `${schemaUrn(target)}#${pointer.replace('/components/schemas/', '/$defs/')}`;
    } else out[key] = rewriteRefs(item, document);
  }
  return out as T;
}

/** Follows an OpenAPI-level `$ref` (parameters, responses) inside the document. */
function deref(document: Json, value: Json): Json {
  const ref = value.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  let target: unknown = document;
  for (const part of ref.slice(2).split('/'))
    target = (target as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return deref(document, target as Json);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

function compileOperations(document: Json, ajv: Ajv2020): CompiledOperation[] {
  const operations: CompiledOperation[] = [];
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    const shared = ((item.parameters ?? []) as Json[]).map(
      (p) => deref(document, p) as unknown as Parameter,
    );
    for (const method of METHODS) {
      const spec = item[method] as Json | undefined;
      if (!spec) continue;
      const own = ((spec.parameters ?? []) as Json[]).map(
        (p) => deref(document, p) as unknown as Parameter,
      );
      // An operation's parameter overrides a path-level one of the same name and place.
      const parameters = [
        ...own,
        ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
      ];
      const paramNames: string[] = [];
      const pattern = new RegExp(
        `^${path
          .split(/\{([^}]+)\}/)
          .map((part, i) => (i % 2 === 1 ? (paramNames.push(part), '([^/]+)') : escapeRegExp(part)))
          .join('')}/?$`,
      );
      operations.push({
        method: method.toUpperCase(),
        path,
        routerPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        operationId: String(spec.operationId ?? `${method} ${path}`),
        upstream: typeof spec['x-upstream'] === 'string' ? spec['x-upstream'] : undefined,
        access: accessOf(spec['x-access'], path, method),
        spec,
        pattern,
        paramNames,
        specificity: path.replace(/\{[^}]+\}/g, '').length,
        checks: {
          path: compileParameters(parameters, 'path', ajv),
          query: compileParameters(parameters, 'query', ajv),
          header: compileParameters(parameters, 'header', ajv),
        },
      });
    }
  }
  return operations;
}

function compileParameters(parameters: Parameter[], location: Location, ajv: Ajv2020) {
  const here = parameters.filter((p) => p.in === location);
  if (here.length === 0) return undefined;
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      here.map((p) => [p.name, rewriteRefs(p.schema ?? {}, 'openapi')]),
    ),
    required: here.filter((p) => p.required).map((p) => p.name),
  };
  return { validate: ajv.compile(schema), names: new Set(here.map((p) => p.name)) };
}

function accessOf(value: unknown, path: string, method: string): Operation['access'] {
  if (value === undefined) return 'read';
  if (value === 'read' || value === 'write' || value === 'admin') return value;
  throw new Error(`openapi.yaml: ${method} ${path} has x-access ${String(value)}`);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const codeFor = (location: Location) => (location === 'query' ? 'bad_query' : 'bad_request');
const label = (location: Location, name: string) => `${location} parameter "${name}"`;

/** One line an API user can act on, naming the parameter and what it must be. */
function describe(location: Location, error: ErrorObject | undefined): string {
  if (!error) return `a ${location} parameter is invalid`;
  const name =
    error.instancePath.split('/')[1] ??
    (error.params as { missingProperty?: string }).missingProperty ??
    '?';
  if (error.keyword === 'required') return `${label(location, name)} is required`;
  // "must match a schema in anyOf" or a regular expression helps nobody: the schema's
  // description says what it accepts.
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  if (['anyOf', 'oneOf', 'pattern'].includes(error.keyword) && typeof description === 'string')
    return `${label(location, name)} must be ${description.replace(/\.$/, '')}`;
  if (error.keyword === 'enum')
    return `${label(location, name)} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${label(location, name)} ${error.message ?? 'is invalid'}`;
}
