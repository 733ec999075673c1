import { redactUrl } from '@fleetman/service-kit';

/**
 * Broker URL handling. The URL may live in a ConfigMap and the credentials in a Secret, so
 * explicit username/password override whatever the URL carries. Nothing here ever puts a
 * password in an error message or a log line.
 */

export interface BrokerEndpoint {
  /** Full URL with the effective credentials: for the client library only, never log it. */
  url: URL;
  /** Safe to log: the password replaced by `***`. */
  redacted: string;
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}

export class BrokerConfigError extends Error {
  override name = 'BrokerConfigError';
}

export function resolveBrokerEndpoint(
  rawUrl: string,
  credentials: { username?: string; password?: string } = {},
): BrokerEndpoint {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    // The raw value may contain a password: do not echo it.
    throw new BrokerConfigError(
      'broker URL is not a valid URL (expected amqp://host:port or amqps://host:port)',
    );
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
    throw new BrokerConfigError(`broker URL scheme must be amqp: or amqps:, got ${url.protocol}`);
  }
  if (!url.hostname) throw new BrokerConfigError('broker URL has no host');
  if (credentials.username !== undefined && credentials.username !== '')
    url.username = credentials.username;
  if (credentials.password !== undefined && credentials.password !== '')
    url.password = credentials.password;

  const tls = url.protocol === 'amqps:';
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return {
    url,
    redacted: redactUrl(url.href),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : tls ? 5671 : 5672,
    tls,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
  };
}
