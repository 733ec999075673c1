/**
 * Server-Sent Events wire format (WHATWG HTML, "Server-sent events"): one field per line,
 * a blank line ends the event. Frames are built once per event and shared by every client.
 */

export interface SseEventFields {
  id?: number | string;
  event?: string;
  data: string;
}

/** Single-line fields must not smuggle a line break, or a value could start a new field. */
function singleLine(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${name} must not contain a line break`);
  return value;
}

export function formatSseEvent({ id, event, data }: SseEventFields): string {
  let frame = '';
  if (id !== undefined) frame += `id: ${singleLine('id', String(id))}\n`;
  if (event !== undefined) frame += `event: ${singleLine('event', event)}\n`;
  // Multi-line data becomes several data: lines; the client joins them back with "\n".
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return frame + '\n';
}

/** A comment line (ignored by EventSource): heartbeats that keep proxies from timing out. */
export function formatSseComment(text: string): string {
  return `: ${singleLine('comment', text)}\n\n`;
}

export function formatSseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}
