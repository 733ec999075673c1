import { LitElement, css, html } from 'lit';
import { ContextProvider } from '@lit/context';
import { FleetApi } from '../api/fleet-api.js';
import { DEFAULT_CONFIG, type RuntimeConfig } from '../config/runtime-config.js';
import { UrlStateController } from '../controllers/url-state-controller.js';
import { SPEED_UNITS, isSpeedUnit } from '../domain/units.js';
import { LOCALES, isLocale } from '../i18n/messages.js';
import {
  configContext,
  historyContext,
  liveContext,
  preferencesContext,
  replayContext,
  viewContext,
} from '../state/contexts.js';
import { HistoryService } from '../state/history.js';
import { LiveFleet } from '../state/live-fleet.js';
import { PreferencesStore, isThemeChoice, type ThemeChoice } from '../state/preferences.js';
import { ReplaySession } from '../state/replay-session.js';
import { Store } from '../state/store.js';
import { DEFAULT_VIEW, type ViewState } from '../state/view-state.js';
import type { VehicleSelectEvent } from './events.js';
import { THEME_CSS } from './theme.js';
import './fleet-map.js';
import './vehicle-list.js';
import './vehicle-panel.js';
import './replay-bar.js';

const darkQuery = () =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

/**
 * The app shell: creates the shared state (live fleet, view, preferences, history, replay),
 * provides it by context to every element below, lays them out and handles app-wide keys.
 * State flows down through the stores; elements change it through the stores' actions.
 */
export class FleetApp extends LitElement {
  static override properties = { config: { attribute: false } };
  declare config: RuntimeConfig;

  private readonly view = new Store<ViewState>({ ...DEFAULT_VIEW });
  private readonly prefs = new PreferencesStore();
  private readonly replay = new ReplaySession();
  private live: LiveFleet | undefined;
  private unsubscribeLive: (() => void) | undefined;
  private readonly providers = {
    config: new ContextProvider(this, { context: configContext }),
    live: new ContextProvider(this, { context: liveContext }),
    view: new ContextProvider(this, { context: viewContext, initialValue: this.view }),
    prefs: new ContextProvider(this, { context: preferencesContext, initialValue: this.prefs }),
    history: new ContextProvider(this, { context: historyContext }),
    replay: new ContextProvider(this, { context: replayContext, initialValue: this.replay }),
  };

  constructor() {
    super();
    this.config = DEFAULT_CONFIG;
    new UrlStateController(this, this.view);
    this.prefs.subscribe(() => {
      this.applyDocumentSettings();
      this.requestUpdate();
    });
    this.view.subscribe((next, previous) => {
      // A single-vehicle replay belongs to its vehicle.
      if (next.selectedId !== previous.selectedId && next.replay?.scope === 'vehicle') {
        this.view.set({ replay: undefined });
      }
    });
  }

  static override styles = [
    THEME_CSS,
    css`
      :host {
        display: grid;
        height: 100dvh;
        grid-template-rows: auto minmax(0, 1fr);
        font-family: system-ui, sans-serif;
        color: var(--fm-text);
        background: var(--fm-bg);
      }
      .skip {
        position: absolute;
        left: 8px;
        top: -40px;
        z-index: 1000;
        padding: 6px 10px;
        background: var(--fm-surface);
        color: var(--fm-link);
        border-radius: 4px;
      }
      .skip:focus {
        top: 8px;
        outline: 3px solid var(--fm-focus);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 12px;
        padding: 6px 12px;
        background: var(--fm-header-bg);
        color: var(--fm-header-text);
      }
      h1 {
        font-size: 18px;
        margin: 0;
        flex: 1;
      }
      header label {
        font-size: 14px;
        margin-right: -6px;
      }
      header select {
        font: inherit;
        background: var(--fm-surface);
        color: var(--fm-text);
        border: 1px solid var(--fm-border-strong);
        border-radius: 4px;
      }
      .connection {
        border-radius: 10px;
        padding: 2px 10px;
        font-size: 13px;
        font-weight: 600;
        color: #fff;
      }
      .connection[data-state='live'] {
        background: #1a7f37;
      }
      .connection[data-state='connecting'],
      .connection[data-state='reconnecting'] {
        background: #9a6700;
      }
      main {
        display: grid;
        min-height: 0;
        grid-template-columns: 320px minmax(0, 1fr);
        grid-template-rows: minmax(0, 1fr) auto;
        grid-template-areas: 'side map' 'side replay';
      }
      aside {
        grid-area: side;
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--fm-border);
        background: var(--fm-surface);
      }
      vehicle-list {
        flex: 1;
        min-height: 200px;
      }
      fleet-map {
        grid-area: map;
        min-height: 300px;
      }
      replay-bar {
        grid-area: replay;
      }
      @media (max-width: 700px) {
        :host {
          height: auto;
          min-height: 100dvh;
        }
        main {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: 50vh auto auto;
          grid-template-areas: 'map' 'side' 'replay';
        }
        aside {
          border-right: 0;
        }
        /* Details first, right under the map; the list keeps a height of its own. */
        vehicle-panel {
          order: -1;
          border-bottom: 1px solid var(--fm-border);
        }
        vehicle-list {
          flex: none;
          height: 60vh;
        }
      }
    `,
  ];

  override connectedCallback(): void {
    const api = new FleetApi(this.config.apiBase);
    this.providers.config.setValue(this.config);
    this.providers.history.setValue(new HistoryService(api));
    this.live ??= new LiveFleet(this, api.streamUrl);
    this.providers.live.setValue(this.live);
    this.unsubscribeLive = this.live.subscribe(() => this.requestUpdate());
    super.connectedCallback();
    darkQuery()?.addEventListener('change', this.applyDocumentSettings);
    document.addEventListener('keydown', this.onKeyDown);
    this.applyDocumentSettings();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeLive?.();
    darkQuery()?.removeEventListener('change', this.applyDocumentSettings);
    document.removeEventListener('keydown', this.onKeyDown);
  }

  /** Language, title and colour scheme live on the document. */
  private applyDocumentSettings = (): void => {
    const { theme, locale } = this.prefs.value;
    const dark = theme === 'dark' || (theme === 'system' && (darkQuery()?.matches ?? false));
    const root = document.documentElement;
    root.dataset.theme = dark ? 'dark' : 'light';
    root.style.colorScheme = dark ? 'dark' : 'light';
    root.lang = locale;
    this.dataset.theme = root.dataset.theme;
    document.title = this.prefs.format.t.pageTitle;
  };

  override render() {
    const live = this.live!;
    const { t } = this.prefs.format;
    const { unit, theme, locale } = this.prefs.value;
    return html`<header>
        <a class="skip" href="#vehicles" @click=${this.skipToList}>${t.skipToList}</a>
        <h1>${t.title}</h1>
        <span class="connection" role="status" data-state=${live.state}
          >${t.connection[live.state]}</span
        >
        <label for="unit">${t.units}</label>
        <select id="unit" @change=${this.onUnit}>
          ${Object.entries(SPEED_UNITS).map(
            ([key, u]) =>
              html`<option value=${key} ?selected=${key === unit}>${u.speedLabel}</option>`,
          )}
        </select>
        <label for="theme">${t.theme}</label>
        <select id="theme" @change=${this.onTheme}>
          ${(['system', 'light', 'dark'] as ThemeChoice[]).map(
            (key) =>
              html`<option value=${key} ?selected=${key === theme}>${t.themes[key]}</option>`,
          )}
        </select>
        <label for="locale">${t.language}</label>
        <select id="locale" @change=${this.onLocale}>
          ${Object.entries(LOCALES).map(
            ([key, name]) =>
              html`<option value=${key} lang=${key} ?selected=${key === locale}>${name}</option>`,
          )}
        </select>
      </header>
      <main>
        <aside aria-label=${t.vehicles}>
          <vehicle-list id="vehicles" @vehicle-select=${this.onSelect}></vehicle-list>
          <vehicle-panel @vehicle-select=${this.onSelect}></vehicle-panel>
        </aside>
        <fleet-map @vehicle-select=${this.onSelect}></fleet-map>
        <replay-bar></replay-bar>
      </main>`;
  }

  private onUnit = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    if (isSpeedUnit(value)) this.prefs.set({ unit: value });
  };

  private onTheme = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    if (isThemeChoice(value)) this.prefs.set({ theme: value });
  };

  private onLocale = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    if (isLocale(value)) this.prefs.set({ locale: value });
  };

  private onSelect = (event: VehicleSelectEvent): void => {
    event.stopPropagation();
    // Choosing a vehicle means "show it to me": follow it.
    this.view.set({ selectedId: event.vehicleId, follow: true });
  };

  private skipToList = (event: Event): void => {
    event.preventDefault();
    this.renderRoot.querySelector('vehicle-list')?.focusList();
  };

  /** Escape closes the details panel (unless a form control wants the key). */
  private onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (this.view.value.selectedId) this.view.set({ selectedId: undefined });
  };
}

customElements.define('fleet-app', FleetApp);

declare global {
  interface HTMLElementTagNameMap {
    'fleet-app': FleetApp;
  }
}
