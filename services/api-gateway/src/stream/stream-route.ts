import type { Context } from 'koa';
import { openEventStream } from '@fleetman/service-kit';
import type { StreamHub } from './stream-hub.js';

/**
 * GET /stream: an event-stream response (service-kit) fed by the hub, which is told when the
 * client leaves. `?lastEventId=` is accepted too, for tools and for browsers reconnecting by hand.
 */
export function streamHandler(hub: StreamHub) {
  return function openStream(ctx: Context): void {
    const query = ctx.query.lastEventId;
    const lastEventId = ctx.get('last-event-id') || (typeof query === 'string' ? query : undefined);
    const socket = ctx.req.socket;
    const body = openEventStream(ctx);
    // A reset, not a FIN: a FIN would queue behind the unread megabytes the kernel still holds.
    const disconnect = hub.connect(body, lastEventId, () => socket.resetAndDestroy());
    // The stream only finishes when the gateway ends it (shutdown): close the connection too,
    // rather than leave an idle keep-alive socket that holds the server's close() up.
    ctx.res.once('finish', () => socket.end());
    ctx.res.once('close', () => {
      disconnect();
      body.destroy();
    });
  };
}
