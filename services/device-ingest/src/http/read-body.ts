import type { Context } from 'koa';
import { AppError } from '@fleetman/service-kit';

/**
 * The request body as text, at most `limit` bytes: a declared Content-Length above it is refused
 * before reading, a body that grows past it is cut off (413 either way). Compressed bodies are
 * refused (415): no phone app sends them, and a zip bomb is cheaper refused than limited.
 */
export async function readBody(ctx: Context, limit: number): Promise<string> {
  const encoding = (ctx.get('content-encoding') || 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new AppError(415, 'unsupported_encoding', `Content-Encoding ${encoding} is not accepted`);
  }
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw tooLarge(limit);
  const request = ctx.req;
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop collecting; the rest is discarded and the connection closed after the 413, so the
      // answer still reaches the client (destroying the request would cut the socket first).
      request.off('data', onData);
      request.off('end', onEnd);
      ctx.set('Connection', 'close');
      request.resume();
      reject(tooLarge(limit));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
  });
}

const tooLarge = (limit: number) =>
  new AppError(413, 'payload_too_large', `The body is larger than ${limit} bytes`);
