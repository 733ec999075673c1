import rhea, { type Message } from 'rhea';
import type { IncomingMessage, OutgoingMessage } from './types.js';

/**
 * Position messages travel as one AMQP data section (bytes) with a content type: ActiveMQ maps
 * that to a JMS BytesMessage, and any AMQP client reads it back byte for byte.
 */
export function toAmqp10Message(message: OutgoingMessage): Message {
  return {
    durable: true,
    content_type: message.contentType ?? 'application/json',
    ...(message.correlationId !== undefined && { correlation_id: message.correlationId }),
    ...(message.headers && { application_properties: { ...message.headers } }),
    body: rhea.message.data_section(Buffer.from(message.body)),
  };
}

/**
 * Reads what other producers may send too: data sections, or an AMQP value (a JMS TextMessage
 * arrives as a string, the original Fleetman simulator's JMS MapMessage as a map, which becomes
 * its JSON text so consumers see one format).
 */
export function fromAmqp10Message(message: Message): IncomingMessage {
  const { body, contentType } = bodyOf(message.body, message.content_type);
  const correlationId = message.correlation_id;
  return {
    body,
    ...(contentType !== undefined && { contentType }),
    ...(correlationId !== undefined &&
      correlationId !== null && { correlationId: correlationIdText(correlationId) }),
    headers: { ...(message.application_properties ?? {}) },
    redelivered: (message.delivery_count ?? 0) > 0,
  };
}

function bodyOf(
  raw: unknown,
  contentType: string | undefined,
): { body: Buffer; contentType: string | undefined } {
  if (isDataSection(raw)) {
    const content = raw.content;
    const body = Array.isArray(content)
      ? Buffer.concat(content as Buffer[])
      : Buffer.from(content as Buffer);
    return { body, contentType };
  }
  if (Buffer.isBuffer(raw)) return { body: raw, contentType };
  if (typeof raw === 'string') return { body: Buffer.from(raw, 'utf8'), contentType };
  if (raw === undefined || raw === null) return { body: Buffer.alloc(0), contentType };
  return { body: Buffer.from(JSON.stringify(raw)), contentType: contentType ?? 'application/json' };
}

function isDataSection(raw: unknown): raw is { typecode: number; content: unknown } {
  return (
    typeof raw === 'object' && raw !== null && (raw as { typecode?: unknown }).typecode === 0x75
  );
}

function correlationIdText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value) && value.length === 16) return rhea.uuid_to_string(value);
  return String(value);
}
