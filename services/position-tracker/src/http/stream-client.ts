import { formatSseComment, formatSseEvent, formatSseRetry } from '@fleetman/contract';
import { openEventStream } from '@fleetman/service-kit';
import type { Context } from 'koa';

export interface StreamClientOptions {
  heartbeatMs?: number;
  /** Bytes a client may lag behind before it is cut off (it reconnects and resumes). */
  maxBufferedBytes?: number;
  onClose?: () => void;
}

export interface StreamClient {
  /** False once the client is gone or was cut off for being too slow. */
  send(id: number | undefined, event: string, data: string): boolean;
  close(): void;
}

const HEARTBEAT = formatSseComment('heartbeat');

/**
 * One client of the tracker's live stream (in a cluster: the gateway's one upstream connection):
 * a retry hint first, heartbeats, and a bound on what may wait for a slow reader.
 */
export function openStreamClient(
  ctx: Context,
  { heartbeatMs = 15_000, maxBufferedBytes = 1 << 20, onClose }: StreamClientOptions = {},
): StreamClient {
  const body = openEventStream(ctx);
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    body.end();
    onClose?.();
  };
  const heartbeat = setInterval(() => write(HEARTBEAT), heartbeatMs);
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
  write(formatSseRetry(2000));
  return {
    send: (id, event, data) => write(formatSseEvent({ id, event, data })),
    close,
  };
}
