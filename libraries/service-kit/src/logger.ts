import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.js';
import { redactUrl } from './redact.js';

export type { Logger };

export interface LoggerOptions {
  service: string;
  version?: string;
  level?: LogLevel;
  /** Tests pass a stream to capture lines; production writes to stdout. */
  destination?: DestinationStream;
}

/**
 * The one way services log: pino JSON on stdout, `level` as a string so Fluent Bit and Kibana
 * need no number mapping, `service`/`version` on every line, credentials redacted wherever
 * they appear in structured fields.
 */
export function createLogger({
  service,
  version = '0.0.0',
  level = 'info',
  destination,
}: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service, version },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.epochTime,
      redact: {
        paths: [
          'password',
          '*.password',
          'url',
          '*.url',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
        ],
        censor: (value) => (typeof value === 'string' ? redactUrl(value) : '[redacted]'),
      },
    },
    destination,
  );
}
