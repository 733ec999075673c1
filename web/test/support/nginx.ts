import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './net.js';

const NGINX = '/usr/sbin/nginx';
const TEMPLATE = fileURLToPath(new URL('../../nginx/default.conf.template', import.meta.url));
const HEADERS_TEMPLATE = fileURLToPath(
  new URL('../../nginx/security-headers.inc.template', import.meta.url),
);

/** envsubst for the names given only (nginx's own $uri, $host… stay untouched). */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export interface RunningNginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's nginx with our template in front of `apiUpstream`, serving `webRoot`: as
 * the unprivileged `nobody` user when the tests run as root, temp dirs only, loopback port.
 */
export async function startNginx(options: {
  webRoot: string;
  apiUpstream: string;
}): Promise<RunningNginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found: apt-get install -y nginx-light`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fleetman-nginx-'));
  for (const sub of ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const values = {
    NGINX_PORT: `127.0.0.1:${port}`,
    WEB_ROOT: options.webRoot,
    API_UPSTREAM: options.apiUpstream.replace(/\/$/, ''),
    TILE_URL: '',
    TILE_ORIGIN: '',
    TILE_ATTRIBUTION: '',
  };
  writeFileSync(join(dir, 'default.conf'), renderTemplate(readFileSync(TEMPLATE, 'utf8'), values));
  // Where the image's entrypoint renders it: conf.d/ under the configuration folder.
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(
    join(dir, 'conf.d', 'security-headers.inc'),
    renderTemplate(readFileSync(HEADERS_TEMPLATE, 'utf8'), values),
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${dir}/client;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/default.conf;
}
`,
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    for (const sub of ['', 'conf.d', 'client', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      chmodSync(join(dir, sub), 0o777);
  }
  const child: ChildProcess = spawn(
    NGINX,
    ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(`${url}healthz`, 10_000, exited);
  return {
    url,
    stop: async () => {
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
