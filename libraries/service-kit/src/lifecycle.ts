import type { Logger } from './logger.js';

type Stopper = () => Promise<void> | void;

export interface LifecycleOptions {
  logger: Logger;
  /** Time to keep serving with /readyz at 503 so load balancers stop sending traffic first. */
  drainDelayMs?: number;
  /** Per-step bound: a hung dependency must not keep a pod in Terminating forever. */
  stepTimeoutMs?: number;
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown in one place: on SIGTERM/SIGINT the service turns not-ready, waits the drain
 * delay, then runs its stop steps in the order they were added (e.g. stop consuming → close HTTP
 * → close database → close broker), each bounded, and exits.
 */
export class Lifecycle {
  #stopping = false;
  #steps: Array<{ name: string; stop: Stopper }> = [];
  #done: Promise<void> | undefined;

  constructor(private readonly options: LifecycleOptions) {}

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Register a step; steps run in the order added. */
  add(name: string, target: Stopper | { close(): Promise<void> | void }): this {
    const stop = typeof target === 'function' ? target : () => target.close();
    this.#steps.push({ name, stop });
    return this;
  }

  installSignalHandlers(): this {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.shutdown(signal).then(() => (this.options.exit ?? process.exit)(0));
      });
    }
    return this;
  }

  shutdown(reason: string): Promise<void> {
    this.#done ??= this.#run(reason);
    return this.#done;
  }

  async #run(reason: string): Promise<void> {
    const { logger, drainDelayMs = 0, stepTimeoutMs = 10_000 } = this.options;
    this.#stopping = true;
    logger.info({ reason }, 'shutting down');
    if (drainDelayMs > 0) await sleep(drainDelayMs);
    for (const { name, stop } of this.#steps) {
      try {
        const outcome = await Promise.race([
          Promise.resolve(stop()).then(() => 'ok' as const),
          sleep(stepTimeoutMs).then(() => 'timeout' as const),
        ]);
        if (outcome === 'timeout')
          logger.warn({ step: name, timeoutMs: stepTimeoutMs }, 'shutdown step timed out');
      } catch (err) {
        logger.error({ err, step: name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
