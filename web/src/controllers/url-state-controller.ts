import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from '../state/store.js';
import { decodeView, encodeView, isNavigation, type ViewState } from '../state/view-state.js';

/**
 * Keeps the view state and the address bar in step: the URL is read once at start, every
 * change is written back (a new history entry for a selection or a replay, a replaced one for
 * pans and filters), and Back/Forward put the state the entry describes back into the store.
 */
export class UrlStateController implements ReactiveController {
  private unsubscribe: (() => void) | undefined;
  private restoring = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly view: Store<ViewState>,
  ) {
    host.addController(this);
    view.set(decodeView(location.search));
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
    this.unsubscribe = this.view.subscribe((next, previous) => {
      if (this.restoring) return;
      const query = encodeView(next);
      if (query === location.search.slice(1)) return;
      const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
      if (isNavigation(previous, next)) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
    });
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.unsubscribe?.();
  }

  private onPopState = (): void => {
    this.restoring = true;
    try {
      this.view.set(decodeView(location.search));
    } finally {
      this.restoring = false;
    }
  };
}
