// A local stand-in for github.com: an HTTP proxy that answers CONNECT github.com:443 itself,
// with a certificate from a local CA, and serves git's smart HTTP protocol from local bare
// repositories through `git http-backend`. Every other host is refused, so a fetch the suite
// cannot serve offline (Helm chart repositories) fails at once with a clear status.
//
// Why a proxy and not `url.<base>.insteadOf`: Argo CD resolves revisions with go-git, which
// ignores git's config; both git and Go honour HTTPS_PROXY and a CA bundle, so one mechanism
// covers kubectl's kustomize (remote bases), Argo CD's repo server and `git push` alike, and the
// repository URLs in git stay untouched.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

export interface GitHost {
  /** Environment for every client: proxy, CA bundle for Go (SSL_CERT_FILE) and git. */
  env: Record<string, string>;
  /** Requests served, as "METHOD /owner/repo/..." lines (what Argo CD and kubectl fetched). */
  requests: string[];
  /** CONNECT targets refused (hosts that are not served offline). */
  refused: string[];
  close(): Promise<void>;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** A CA and a github.com certificate it signs, made once per directory with openssl. */
function certificates(dir: string): { key: Buffer; cert: Buffer; bundle: string } {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  if (!existsSync(file('bundle.pem'))) {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=fleetman-gitops-test-ca',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    );
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=github.com',
      '-keyout',
      'github.key',
      '-out',
      'github.csr',
    );
    writeFileSync(file('san.ext'), 'subjectAltName=DNS:github.com\n');
    run(
      'x509',
      '-req',
      '-in',
      'github.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '3650',
      '-extfile',
      'san.ext',
      '-out',
      'github.crt',
    );
    const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, 'utf8') : '';
    writeFileSync(file('bundle.pem'), system + '\n' + readFileSync(file('ca.crt'), 'utf8'));
  }
  return {
    key: readFileSync(file('github.key')),
    cert: readFileSync(file('github.crt')),
    bundle: file('bundle.pem'),
  };
}

/**
 * Serves `repos` (URL path "owner/name" -> bare repository folder) as https://github.com/owner/name(.git)
 * through a proxy on 127.0.0.1:port.
 */
export async function startGitHost(options: {
  port: number;
  dir: string;
  repos: Record<string, string>;
}): Promise<GitHost> {
  const { key, cert, bundle } = certificates(join(options.dir, 'tls'));
  const requests: string[] = [];
  const refused: string[] = [];
  const repos = new Map(
    Object.entries(options.repos).map(([path, dir]) => [path.replace(/\.git$/, ''), dir]),
  );

  // The TLS side: git smart HTTP for the known repositories.
  const git = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'https://github.com');
    const match =
      /^\/([^/]+\/[^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/.exec(
        url.pathname,
      );
    const repo = match ? repos.get(match[1]!) : undefined;
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (!match || !repo) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`not served by the gitops test host: ${url.pathname}\n`);
      return;
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: repo,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: match[2]!,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'gitops-test',
      REMOTE_ADDR: '127.0.0.1',
    };
    if (req.headers['content-encoding'])
      env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const backend = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(backend.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    let stderr = '';
    backend.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    backend.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    backend.on('close', (code) => {
      if (!headersDone)
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`git http-backend failed (${code}): ${stderr}\n`);
      else res.end();
    });
  });

  // The proxy side: CONNECT github.com:443 is terminated here; nothing else goes anywhere.
  const proxy = http.createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`);
    res
      .writeHead(403, { 'content-type': 'text/plain' })
      .end('the gitops test proxy serves only github.com over CONNECT\n');
  });
  const sockets = new Set<Socket>();
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    if (target !== 'github.com:443') {
      refused.push(target);
      socket.end(
        'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nnot reachable offline (gitops test proxy)\n',
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
    secure.on('error', () => secure.destroy());
    git.emit('connection', secure);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = proxy.address() as AddressInfo;
  const proxyUrl = `http://127.0.0.1:${port}`;
  return {
    env: {
      HTTPS_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      SSL_CERT_FILE: bundle,
      GIT_SSL_CAINFO: bundle,
    },
    requests,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}
