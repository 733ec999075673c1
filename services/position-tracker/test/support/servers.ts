import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(
  new URL('../../../../scripts/dev-servers/servers.sh', import.meta.url),
);

/** A real server's URL from the environment; a missing one fails the test run, never skips it. */
export function requireServer(
  variable: 'TEST_ACTIVEMQ_URL' | 'TEST_RABBITMQ_URL' | 'TEST_MONGO_URL',
): string {
  const url = process.env[variable];
  if (!url) {
    throw new Error(
      `${variable} is not set: start the servers with 'bash scripts/dev-servers/servers.sh start' and eval 'bash scripts/dev-servers/servers.sh env'`,
    );
  }
  return url;
}

/** Drives the local servers (restart a broker mid-stream, stop the database) through servers.sh. */
export async function servers(
  action: 'start' | 'stop' | 'restart',
  name: 'activemq' | 'rabbitmq' | 'ferretdb',
): Promise<void> {
  await run('bash', [script, action, name], { timeout: 180_000 });
}
