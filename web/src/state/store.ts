import { ContextConsumer, type Context } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Listener<T> = (value: T, previous: T) => void;

/**
 * A value that changes through `set` only and tells its subscribers: the one-way data flow of
 * the app (state in stores, provided by context; components read it and call actions).
 */
export class Store<T extends object> {
  private listeners = new Set<Listener<T>>();

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  /** Shallow-merges `patch`; subscribers hear about it only if a field really changed. */
  set(patch: Partial<T>): void {
    const next = { ...this.current, ...patch };
    const changed = (Object.keys(patch) as (keyof T)[]).some(
      (key) => !Object.is(next[key], this.current[key]),
    );
    if (!changed) return;
    const previous = this.current;
    this.current = next;
    for (const listener of this.listeners) listener(next, previous);
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Something a component can subscribe to (stores and the live fleet). */
export interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/**
 * Finds a store by context and re-renders its host when it changes (optionally only when
 * `select` picks a different value, so a list does not re-render for a map pan).
 */
export class Use<S extends Subscribable> implements ReactiveController {
  private readonly consumer: ContextConsumer<
    Context<unknown, S>,
    ReactiveControllerHost & HTMLElement
  >;
  private unsubscribe: (() => void) | undefined;
  private lastSelected: unknown;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    context: Context<unknown, S>,
    private readonly select?: (store: S) => unknown,
  ) {
    this.consumer = new ContextConsumer(host, {
      context,
      subscribe: true,
      callback: (store) => this.attach(store),
    });
    host.addController(this);
  }

  get store(): S {
    const store = this.consumer.value;
    if (!store) throw new Error('store not provided: is the component inside <fleet-app>?');
    return store;
  }

  get ready(): boolean {
    return this.consumer.value !== undefined;
  }

  private attach(store: S): void {
    this.unsubscribe?.();
    this.lastSelected = this.select?.(store);
    this.unsubscribe = store.subscribe(() => {
      if (this.select) {
        const selected = this.select(store);
        if (Object.is(selected, this.lastSelected)) return;
        this.lastSelected = selected;
      }
      this.host.requestUpdate();
    });
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
