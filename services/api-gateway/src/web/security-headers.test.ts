import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSecurityHeaders } from './security-headers.js';

const NGINX_FILE = fileURLToPath(
  new URL('../../../../web/nginx/security-headers.inc.template', import.meta.url),
);

function fileWith(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'headers-')), 'h.inc');
  writeFileSync(file, text);
  return file;
}

describe('security headers from the nginx file', () => {
  it('reads the file nginx includes, with the tile origin substituted', () => {
    const headers = readSecurityHeaders(NGINX_FILE, { TILE_ORIGIN: 'https://tiles.example.org' });
    assert.equal(headers['X-Content-Type-Options'], 'nosniff');
    assert.match(
      headers['Content-Security-Policy'] ?? '',
      /img-src 'self' data: https:\/\/tiles\.example\.org;/,
    );
    assert.match(
      readSecurityHeaders(NGINX_FILE)['Content-Security-Policy'] ?? '',
      /frame-ancestors 'none'/,
    );
  });

  it('refuses what it does not understand instead of sending half of it', () => {
    assert.throws(
      () => readSecurityHeaders(fileWith('add_header X-A "b";\n')),
      /h\.inc:1: expected add_header/,
    );
    assert.throws(
      () => readSecurityHeaders(fileWith('# ok\nlocation / {}\n')),
      /h\.inc:2: expected/,
    );
    assert.throws(
      () =>
        readSecurityHeaders(fileWith('add_header X-A "${NOPE}" always;\nproxy_hide_header X-A;\n')),
      /unknown variable NOPE/,
    );
    assert.throws(() => readSecurityHeaders(fileWith('# nothing\n')), /no add_header line/);
    assert.throws(
      () => readSecurityHeaders(fileWith('add_header X-A "b" always;\nproxy_hide_header X-B;\n')),
      /every add_header needs its proxy_hide_header/,
    );
  });
});
