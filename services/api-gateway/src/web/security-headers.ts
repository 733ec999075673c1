import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';

/**
 * Local mode's security headers are nginx's, read from the very file nginx includes
 * (web/nginx/security-headers.inc.template), so the list is written once: the CSP a browser
 * gets from `npm start` is the one it gets in a cluster. The file is a strict subset of nginx
 * syntax — comments, `add_header Name "value" always;` lines and the `proxy_hide_header Name;`
 * that keeps nginx from doubling a copy from upstream — and anything else is refused
 * at start rather than half-understood. `${VAR}` is replaced as envsubst does for nginx.
 */
export function readSecurityHeaders(
  file: string,
  variables: Record<string, string> = { TILE_ORIGIN: '' },
): Record<string, string> {
  const headers: Record<string, string> = {};
  const hides = new Set<string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const hidden = /^proxy_hide_header\s+([A-Za-z][A-Za-z0-9-]*);$/.exec(line);
      if (hidden) return void hides.add(hidden[1]!.toLowerCase());
      const match = /^add_header\s+([A-Za-z][A-Za-z0-9-]*)\s+"([^"]*)"\s+always;$/.exec(line);
      if (!match)
        throw new Error(
          `${file}:${index + 1}: expected add_header Name "value" always; or proxy_hide_header Name;`,
        );
      headers[match[1]!] = match[2]!.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
        const value = variables[name];
        if (value === undefined) throw new Error(`${file}:${index + 1}: unknown variable ${name}`);
        return value;
      });
    });
  if (Object.keys(headers).length === 0) throw new Error(`${file}: no add_header line`);
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  if (names.length !== hides.size || names.some((name) => !hides.has(name)))
    throw new Error(`${file}: every add_header needs its proxy_hide_header and no other`);
  return headers;
}

/** Sets the headers on every answer that passes through, errors included (nginx: `always`). */
export function securityHeaders(headers: Record<string, string>): Middleware {
  return async function setSecurityHeaders(ctx, next) {
    ctx.set(headers);
    await next();
  };
}
