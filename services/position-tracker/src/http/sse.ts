import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

export interface SseStreamOptions {
  heartbeatMs?: number;
  /** Bytes a client may lag behind before it is cut off (it reconnects and resumes). */
  maxBufferedBytes?: number;
  onClose?: () => void;
}

export interface SseStream {
  /** False once the client is gone or was cut off for being too slow. */
  send(id: number | undefined, event: string, data: string): boolean;
  close(): void;
}

/** Turns a Koa response into a Server-Sent Events stream (Koa guide: PassThrough body). */
export function openSse(
  ctx: Context,
  { heartbeatMs = 15_000, maxBufferedBytes = 1 << 20, onClose }: SseStreamOptions = {},
): SseStream {
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setKeepAlive(true);
  ctx.type = 'text/event-stream';
  ctx.set({
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const body = new PassThrough();
  ctx.status = 200;
  ctx.body = body;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    body.end();
    onClose?.();
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
  const write = (chunk: string): boolean => {
    if (!open) return false;
    body.write(chunk);
    if (body.writableLength > maxBufferedBytes) {
      close();
      return false;
    }
    return true;
  };
  ctx.req.on('close', close);
  body.on('error', close);
  write('retry: 2000\n\n');
  return {
    send: (id, event, data) =>
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`),
    close,
  };
}
