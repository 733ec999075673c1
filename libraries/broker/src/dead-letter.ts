import { REJECT_REASON_HEADER, type IncomingMessage, type OutgoingMessage } from './types.js';

type HeaderValue = string | number | boolean;

/** The copy sent to `<queue>.DLQ`: same body, content type and correlation id, plus the reason. */
export function deadLetterCopy(message: IncomingMessage, reason: string): OutgoingMessage {
  const headers: Record<string, HeaderValue> = {};
  for (const [key, value] of Object.entries(message.headers)) {
    const kept = toHeaderValue(value);
    if (kept !== undefined) headers[key] = kept;
  }
  headers[REJECT_REASON_HEADER] = reason;
  return {
    body: message.body,
    ...(message.contentType !== undefined && { contentType: message.contentType }),
    ...(message.correlationId !== undefined && { correlationId: message.correlationId }),
    headers,
  };
}

function toHeaderValue(value: unknown): HeaderValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      if (value === null) return undefined;
      if (value instanceof Date) return value.toISOString();
      if (Buffer.isBuffer(value)) return value.toString('base64');
      try {
        return JSON.stringify(value);
      } catch {
        return undefined;
      }
  }
}
