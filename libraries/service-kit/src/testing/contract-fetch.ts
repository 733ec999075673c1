import { AssertionError } from 'node:assert';
import type { ParsedSseEvent } from '@fleetman/contract';
import { loadApiContract } from '../contract/api-contract.js';

/**
 * fetch() for component tests: the answer must match openapi.yaml (status documented for the
 * operation, content type, body schema) or the test fails with what is wrong. A drop-in for
 * fetch (it returns a Response with the same status, headers and body): use it for every request
 * a test makes to a service's REST API. `/api`-prefixed URLs are checked without the prefix.
 */
export async function contractFetch(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  const contentType = response.headers.get('content-type') ?? undefined;
  const text = await response.text();
  const { pathname, search } = new URL(url);
  const problems = loadApiContract().checkResponse({
    method: init?.method ?? 'GET',
    path: pathname.replace(/^\/api(?=\/)/, '') + search,
    status: response.status,
    contentType,
    body: /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text,
  });
  if (problems.length > 0)
    throw new AssertionError({ message: `response breaks openapi.yaml:\n${problems.join('\n')}` });
  const empty = response.status === 204 || response.status === 304;
  return new Response(empty ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

const EVENT_SCHEMAS: Record<string, string> = {
  position: 'PositionEventData',
  status: 'StatusEventData',
  'snapshot-end': 'SnapshotEndData',
};

/** Fails unless the stream event's data matches its schema in asyncapi.yaml (if it has one). */
export function assertStreamEvent(event: ParsedSseEvent): void {
  const schema = EVENT_SCHEMAS[event.event];
  if (!schema) return;
  const problems = loadApiContract().checkSchema('asyncapi', schema, JSON.parse(event.data));
  if (problems.length > 0)
    throw new AssertionError({
      message: `"${event.event}" event breaks asyncapi.yaml:\n${problems.join('\n')}`,
    });
}
