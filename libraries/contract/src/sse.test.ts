import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  readSseEvents,
  SseParser,
  type ParsedSseEvent,
} from './sse.js';

function parseAll(chunks: string[]): {
  events: ParsedSseEvent[];
  comments: string[];
  retries: number[];
} {
  const events: ParsedSseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onEvent: (event) => events.push(event),
    onComment: (text) => comments.push(text),
    onRetry: (ms) => retries.push(ms),
  });
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments, retries };
}

describe('formatSseEvent', () => {
  it('writes id, event and data lines and ends with a blank line', () => {
    assert.equal(
      formatSseEvent({ id: 42, event: 'position', data: '{"id":"v1"}' }),
      'id: 42\nevent: position\ndata: {"id":"v1"}\n\n',
    );
  });

  it('splits multi-line data into several data lines', () => {
    assert.equal(formatSseEvent({ data: 'a\nb\r\nc' }), 'data: a\ndata: b\ndata: c\n\n');
  });

  it('refuses a line break in single-line fields', () => {
    assert.throws(() => formatSseEvent({ event: 'x\ndata: evil', data: '' }), /line break/);
    assert.throws(() => formatSseComment('a\nb'), /line break/);
  });

  it('formats comments and retry hints', () => {
    assert.equal(formatSseComment('heartbeat'), ': heartbeat\n\n');
    assert.equal(formatSseRetry(2500.4), 'retry: 2500\n\n');
  });
});

describe('SseParser', () => {
  it('round-trips what formatSseEvent writes', () => {
    const frame = formatSseEvent({ id: 7, event: 'position', data: 'line1\nline2' });
    assert.deepEqual(parseAll([frame]).events, [
      { id: '7', event: 'position', data: 'line1\nline2' },
    ]);
  });

  it('handles events split at every byte and all three line endings', () => {
    const text = '\uFEFFid: 1\r\nevent: position\rdata: a\n\r\nid: 2\ndata: b\r\r';
    const byChar = parseAll([...text]);
    assert.deepEqual(byChar.events, [
      { id: '1', event: 'position', data: 'a' },
      { id: '2', event: 'message', data: 'b' },
    ]);
    assert.deepEqual(parseAll([text]).events, byChar.events);
  });

  it('treats a CR at a chunk end followed by LF as one line break', () => {
    const { events } = parseAll(['data: x\r', '\n\r', '\n']);
    assert.deepEqual(events, [{ event: 'message', data: 'x' }]);
  });

  it('reports comments, retry and ignores unknown fields and events without data', () => {
    const result = parseAll([
      ': heartbeat\n\nretry: 1500\nfoo: bar\nevent: nothing\n\nid\ndata\n\n',
    ]);
    assert.deepEqual(result.comments, ['heartbeat']);
    assert.deepEqual(result.retries, [1500]);
    // "id" alone sets an empty id; "data" alone is one empty data line, which does dispatch.
    assert.deepEqual(result.events, [{ id: '', event: 'message', data: '' }]);
  });

  it('only reports an id on events that carry one, but remembers the last one', () => {
    const events: ParsedSseEvent[] = [];
    const parser = new SseParser({ onEvent: (event) => events.push(event) });
    parser.push('id: 5\ndata: a\n\ndata: b\n\n');
    assert.deepEqual(events, [
      { id: '5', event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
    assert.equal(parser.lastEventId, '5');
  });

  it('drops an unfinished event on reset', () => {
    const events: ParsedSseEvent[] = [];
    const parser = new SseParser({ onEvent: (event) => events.push(event) });
    parser.push('id: 1\ndata: half');
    parser.reset();
    parser.push('data: whole\n\n');
    assert.deepEqual(events, [{ event: 'message', data: 'whole' }]);
  });
});

describe('readSseEvents', () => {
  it('yields the events of a byte stream split anywhere, multi-byte characters included', async () => {
    const text =
      formatSseEvent({ id: 1, event: 'position', data: '{"name":"Göteborg"}' }) + ': hb\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const events: ParsedSseEvent[] = [];
    for await (const event of readSseEvents(body)) events.push(event);
    assert.deepEqual(events, [{ id: '1', event: 'position', data: '{"name":"Göteborg"}' }]);
  });
});
