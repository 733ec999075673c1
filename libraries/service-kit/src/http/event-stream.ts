import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

/**
 * Turns a Koa response into a Server-Sent Events stream, following Koa's guide: a PassThrough
 * body with the event-stream type, no caching or proxy buffering (nginx honours
 * X-Accel-Buffering), no socket timeout, Nagle off so each event leaves at once. Frames are
 * written with @fleetman/contract's formatSse* functions.
 */
export function openEventStream(ctx: Context): PassThrough {
  const socket = ctx.req.socket;
  socket.setTimeout(0);
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  ctx.type = 'text/event-stream';
  ctx.set({ 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
  const body = new PassThrough();
  ctx.status = 200;
  ctx.body = body;
  return body;
}
