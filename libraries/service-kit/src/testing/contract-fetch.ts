import { AssertionError } from 'node:assert';
import type { ParsedSseEvent } from '@fleetman/contract';
import { loadApiContract } from '../contract/api-contract.js';

export interface CheckedResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON media types, the text otherwise. */
  // Loose on purpose: each test asserts the shape it relies on; the contract checked the rest.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * fetch() for component tests: the answer must match openapi.yaml (status documented for the
 * operation, content type, body schema) or the test fails with what is wrong. Use it for every
 * request a test makes to a service's REST API; `/api`-prefixed URLs are checked without it.
 */
export async function contractFetch(url: string, init?: RequestInit): Promise<CheckedResponse> {
  const response = await fetch(url, init);
  const contentType = response.headers.get('content-type') ?? undefined;
  const text = await response.text();
  const body = /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text;
  const { pathname, search } = new URL(url);
  const problems = loadApiContract().checkResponse({
    method: init?.method ?? 'GET',
    path: pathname.replace(/^\/api(?=\/)/, '') + search,
    status: response.status,
    contentType,
    body,
  });
  if (problems.length > 0)
    throw new AssertionError({ message: `response breaks openapi.yaml:\n${problems.join('\n')}` });
  return { status: response.status, headers: response.headers, body };
}

const EVENT_SCHEMAS: Record<string, string> = {
  position: 'PositionEventData',
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
