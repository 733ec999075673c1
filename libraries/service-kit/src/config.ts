/**
 * Configuration as a typed schema read once at start-up. Each variable is a small parser; a bad
 * value throws a ConfigError whose message is the one line an operator needs: which variable and why.
 */

import { redactUrl } from './redact.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** A parser receives the raw value (undefined or '' when unset) and returns the typed value. */
export type Parser<T> = (raw: string | undefined, name: string) => T;
type Schema = Record<string, Parser<unknown>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: ReturnType<S[K]> };

export function loadConfig<S extends Schema>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, parse] of Object.entries(schema)) {
    const raw = source[name];
    out[name] = parse(raw === '' ? undefined : raw?.trim(), name);
  }
  return Object.freeze(out) as ConfigOf<S>;
}

const shown = (raw: string): string =>
  JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw);

interface NumberOptions<D> {
  default: D;
  min?: number;
  max?: number;
}

function numberParser<D extends number | undefined>(
  integer: boolean,
  { default: fallback, min = -Infinity, max = Infinity }: NumberOptions<D>,
): Parser<number | D> {
  return (raw, name) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const kind = integer ? 'an integer' : 'a number';
    if (
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      const range =
        Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : '';
      throw new ConfigError(name, `must be ${kind}${range}, got ${shown(raw)}`);
    }
    return value;
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const env = {
  string(options: { default: string }): Parser<string> {
    return (raw) => raw ?? options.default;
  },
  optionalString(): Parser<string | undefined> {
    return (raw) => raw;
  },
  int(options: NumberOptions<number>): Parser<number> {
    return numberParser(true, options);
  },
  number(options: NumberOptions<number>): Parser<number> {
    return numberParser(false, options);
  },
  optionalNumber(
    options: Omit<NumberOptions<undefined>, 'default'> = {},
  ): Parser<number | undefined> {
    return numberParser(false, { ...options, default: undefined });
  },
  port(fallback: number): Parser<number> {
    return numberParser(true, { default: fallback, min: 0, max: 65535 });
  },
  bool(fallback: boolean): Parser<boolean> {
    return (raw, name) => {
      if (raw === undefined) return fallback;
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(name, `must be true or false, got ${shown(raw)}`);
    };
  },
  oneOf<const T extends readonly string[]>(values: T, fallback: T[number]): Parser<T[number]> {
    return (raw, name) => {
      if (raw === undefined) return fallback;
      if ((values as readonly string[]).includes(raw)) return raw as T[number];
      throw new ConfigError(name, `must be one of ${values.join(', ')}, got ${shown(raw)}`);
    };
  },
  logLevel(fallback: LogLevel = 'info'): Parser<LogLevel> {
    return env.oneOf(LOG_LEVELS, fallback);
  },
  /** A URL whose scheme is one of `protocols` (e.g. ['amqp:', 'amqps:']). */
  url(options: { protocols: readonly string[]; default?: string }): Parser<string> {
    const parse = env.optionalUrl(options);
    return (raw, name) => {
      const value = parse(raw ?? options.default, name);
      if (value === undefined) throw new ConfigError(name, 'is required');
      return value;
    };
  },
  /** Unset means "use the embedded default" (in-process broker, in-memory store). */
  optionalUrl(options: { protocols: readonly string[] }): Parser<string | undefined> {
    return (raw, name) => {
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(name, `must be a URL, got ${shown(redactUrl(raw))}`);
      }
      if (!options.protocols.includes(url.protocol)) {
        throw new ConfigError(
          name,
          `must use ${options.protocols.map((p) => p.replace(/:$/, '')).join(' or ')}, got ${url.protocol.replace(/:$/, '')}`,
        );
      }
      return raw;
    };
  },
  /** Milliseconds, written as 500, 500ms, 10s, 2m, 1h or 7d. */
  duration(options: { default: string; min?: number; max?: number }): Parser<number> {
    return (raw, name) => {
      const text = raw ?? options.default;
      const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
      const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
      const value = match
        ? Number(match[1]) * factor[(match[2] ?? 'ms') as keyof typeof factor]
        : NaN;
      if (
        !Number.isFinite(value) ||
        value < (options.min ?? 0) ||
        value > (options.max ?? Infinity)
      ) {
        throw new ConfigError(
          name,
          `must be a duration like 500ms, 10s or 2m within bounds, got ${shown(text)}`,
        );
      }
      return value;
    };
  },
};
