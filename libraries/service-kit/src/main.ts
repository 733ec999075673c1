import { ConfigError } from './config.js';

/**
 * Wraps a service's entry point: a bad configuration stops the process with its one-line reason
 * (exit 78, EX_CONFIG); any other start-up failure or later crash is printed and exits 1.
 */
export function runMain(start: () => Promise<unknown>): void {
  const die = (err: unknown): void => {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(78);
    }
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: Date.now(), msg: 'fatal error', err: describe(err) })}\n`,
    );
    process.exit(1);
  };
  process.on('unhandledRejection', die);
  process.on('uncaughtException', die);
  start().catch(die);
}

function describe(err: unknown): unknown {
  return err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : err;
}
