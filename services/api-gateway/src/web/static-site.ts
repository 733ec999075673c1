import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

/**
 * Serves the built web app in local mode (in the cluster nginx does this). Small on purpose:
 * GET/HEAD only, paths resolved and then checked (after symlinks) to stay inside the root, and
 * an SPA fallback to index.html for extension-less paths that are not API routes, so a deep
 * link like /vehicles-map/v1 loads the app while /vehicles/unknown stays a JSON 404.
 */

export interface StaticSiteOptions {
  root: string;
  /** Paths under these prefixes never fall back to index.html. */
  apiPrefixes: string[];
}

export function staticSite({ root, apiPrefixes }: StaticSiteOptions): Middleware {
  const rootReal = realpath(path.resolve(root));
  return async function serveStatic(ctx, next) {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return;

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return; // malformed escape: leave it a 404
    }
    if (relative.includes('\0') || isApiPath(relative, apiPrefixes)) return;
    const base = await rootReal;
    const file =
      (await findFile(base, relative === '/' ? '/index.html' : relative)) ??
      (isSpaRoute(relative) ? await findFile(base, '/index.html') : undefined);
    if (!file) return;

    ctx.status = 200;
    ctx.type = path.extname(file.path) || 'application/octet-stream';
    ctx.length = file.size;
    ctx.lastModified = file.modified;
    // Built assets carry a content hash in their name; index.html must always be revalidated.
    ctx.set(
      'Cache-Control',
      path.basename(file.path) === 'index.html'
        ? 'no-cache'
        : 'public, max-age=31536000, immutable',
    );
    ctx.body = createReadStream(file.path); // for HEAD Koa sends no body and closes the file
  };
}

async function findFile(base: string, relative: string) {
  const candidate = path.join(base, path.normalize(relative));
  try {
    const real = await realpath(candidate);
    if (real !== base && !real.startsWith(base + path.sep)) return undefined;
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return { path: real, size: info.size, modified: info.mtime };
  } catch {
    return undefined;
  }
}

/** The API's paths are never files or the app, whatever the web root holds. */
function isApiPath(relative: string, apiPrefixes: string[]): boolean {
  return apiPrefixes.some((prefix) => relative === prefix || relative.startsWith(`${prefix}/`));
}

function isSpaRoute(relative: string): boolean {
  return path.extname(relative) === '';
}
