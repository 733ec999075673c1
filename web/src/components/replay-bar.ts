import { LitElement, css, html, nothing } from 'lit';
import { Task, TaskStatus } from '@lit/task';
import type { HistoryRange } from '../api/fleet-api.js';
import { queryVehicles } from '../domain/vehicle-query.js';
import type { HistoryPoint } from '../domain/vehicle.js';
import {
  historyContext,
  liveContext,
  preferencesContext,
  replayContext,
  viewContext,
} from '../state/contexts.js';
import { Use } from '../state/store.js';
import type { ReplayRequest, ReplayScope } from '../state/view-state.js';
import { ContextConsumer } from '@lit/context';

const RATES = [1, 2, 5, 10, 30, 60];
/** A fleet replay asks for at most this many vehicles' histories. */
export const FLEET_REPLAY_MAX = 200;
const DEFAULT_SPAN_MS = 60 * 60_000;

/** yyyy-MM-ddTHH:mm in local time, the format datetime-local inputs speak. */
function toLocalInput(ms: number): string {
  const offset = new Date(ms).getTimezoneOffset() * 60_000;
  return new Date(ms - offset).toISOString().slice(0, 16);
}

/** The default range: the last hour up to the next minute, as of `nowMs`. */
function defaultRange(nowMs: number): { fromMs: number; toMs: number } {
  const toMs = nowMs + 60_000;
  return { fromMs: toMs - DEFAULT_SPAN_MS, toMs };
}

interface LoadedReplay {
  key: string;
  tracks: { id: string; name: string; points: HistoryPoint[] }[];
  capped: { shown: number; total: number } | undefined;
}

const requestKey = (r: ReplayRequest, id: string | undefined) =>
  `${r.scope}|${r.scope === 'vehicle' ? id : ''}|${r.fromMs}|${r.toMs}`;

/**
 * History replay of the selected vehicle or of the whole list on one clock: time-true
 * playback at 1–60×, a scrubbable timeline, stops, trip figures and a GPX export. The range
 * inputs show the last hour *as of now* until the user edits them; the request goes into the
 * view state (and so the URL), and the load runs as a Task whenever that request changes.
 */
export class ReplayBar extends LitElement {
  private readonly live = new Use(
    this,
    liveContext,
    (s) => `${s.vehicles.size}|${this.edited ? '' : Math.floor(s.now / 60_000)}`,
  );
  private readonly view = new Use(this, viewContext, (s) => {
    const v = s.value;
    return `${v.selectedId}|${v.replay ? requestKey(v.replay, v.selectedId) : ''}|${v.replay?.rate}`;
  });
  private readonly prefs = new Use(this, preferencesContext);
  private readonly session = new Use(this, replayContext);
  private readonly history = new ContextConsumer(this, { context: historyContext });

  private fromInput = '';
  private toInput = '';
  private edited = false;
  private scope: ReplayScope = 'vehicle';
  private message = '';
  private loadedKey = '';

  private readonly loadTask = new Task(this, {
    autoRun: false,
    task: async ([request, id]: [ReplayRequest, string | undefined], { signal }) =>
      this.fetchReplay(request, id, signal),
    onComplete: (loaded) => this.onLoaded(loaded),
    onError: (error) => {
      if ((error as Error).name === 'AbortError') return;
      this.fail(this.prefs.store.format.t.loadFailed((error as Error).message));
    },
  });

  static override styles = css`
    :host {
      display: block;
      padding: 6px 12px;
      font-size: 14px;
      border-top: 1px solid var(--fm-border);
      background: var(--fm-surface);
    }
    h2 {
      font-size: 14px;
      margin: 0 0 4px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 10px;
      align-items: center;
      margin-bottom: 6px;
    }
    input,
    select,
    button {
      font: inherit;
      color: var(--fm-text);
      background: var(--fm-surface);
      border: 1px solid var(--fm-border-strong);
      border-radius: 4px;
    }
    input[type='datetime-local'] {
      color-scheme: inherit;
    }
    button {
      padding: 2px 10px;
      cursor: pointer;
    }
    button.primary {
      background: var(--fm-accent);
      border-color: var(--fm-accent);
      color: #fff;
    }
    input[type='range'] {
      flex: 1;
      min-width: 160px;
      accent-color: var(--fm-accent);
    }
    dl {
      display: grid;
      grid-template-columns: repeat(3, auto 1fr);
      gap: 2px 8px;
      margin: 0;
    }
    dt {
      color: var(--fm-muted);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .clock {
      font-variant-numeric: tabular-nums;
    }
    .message {
      display: flex;
      gap: 8px;
      align-items: center;
      color: var(--fm-danger);
      margin: 0 0 6px;
    }
    .note {
      color: var(--fm-muted);
      margin: 0 0 6px;
    }
    @media (max-width: 700px) {
      dl {
        grid-template-columns: repeat(2, auto 1fr);
      }
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.updateComplete.then(() => this.followRequest());
  }

  override updated(): void {
    this.followRequest();
  }

  /** Loads what the view state asks for (a Load click, a deep link, Back/Forward). */
  private followRequest(): void {
    if (!this.view.ready || !this.session.ready) return;
    const { replay, selectedId } = this.view.store.value;
    const session = this.session.store;
    if (!replay) {
      this.loadedKey = '';
      if (session.active) session.stop();
      return;
    }
    this.scope = replay.scope;
    const key = requestKey(replay, selectedId);
    if (key === this.loadedKey || this.loadTask.status === TaskStatus.PENDING) {
      if (session.clock && session.clock.rate !== replay.rate) session.setRate(replay.rate);
      return;
    }
    if (replay.scope === 'fleet' && this.live.store.vehicles.size === 0) return;
    if (replay.scope === 'vehicle' && !selectedId) return;
    this.loadedKey = key;
    this.fromInput = toLocalInput(replay.fromMs);
    this.toInput = toLocalInput(replay.toMs);
    this.edited = true;
    void this.loadTask.run([replay, selectedId]);
  }

  override render() {
    if (!this.view.ready || !this.live.ready || !this.session.ready) return nothing;
    const f = this.prefs.store.format;
    const t = f.t;
    const session = this.session.store;
    const { selectedId } = this.view.store.value;
    const defaults = defaultRange(this.live.store.now);
    const from = this.edited ? this.fromInput : toLocalInput(defaults.fromMs);
    const to = this.edited ? this.toInput : toLocalInput(defaults.toMs);
    const scope = selectedId ? this.scope : 'fleet';
    const loading = this.loadTask.status === TaskStatus.PENDING;
    return html`<section aria-labelledby="replay-title">
      <h2 id="replay-title">${t.replay}</h2>
      <div class="row">
        <label for="scope">${t.scope}</label>
        <select id="scope" @change=${this.onScope}>
          <option value="vehicle" ?selected=${scope === 'vehicle'} ?disabled=${!selectedId}>
            ${t.scopeVehicle}
          </option>
          <option value="fleet" ?selected=${scope === 'fleet'}>
            ${t.scopeFleet(f.number(Math.min(FLEET_REPLAY_MAX, this.listIds().length)))}
          </option>
        </select>
        <label for="from">${t.from}</label>
        <input id="from" type="datetime-local" .value=${from} @change=${this.onFrom} />
        <label for="to">${t.to}</label>
        <input id="to" type="datetime-local" .value=${to} @change=${this.onTo} />
        <button @click=${this.load} ?disabled=${loading}>${loading ? t.loading : t.load}</button>
        <button @click=${this.exportGpx}>${t.exportGpx}</button>
      </div>
      ${
        this.message
          ? html`<p class="message" role="alert">
              ${this.message}
              <button
                aria-label=${t.clearMessage}
                title=${t.clearMessage}
                @click=${this.clearMessage}
              >
                ✕
              </button>
            </p>`
          : nothing
      }
      ${session.active ? this.renderPlayer() : nothing}
    </section>`;
  }

  private renderPlayer() {
    const f = this.prefs.store.format;
    const t = f.t;
    const session = this.session.store;
    const clock = session.clock!;
    const playing = session.playing;
    const loaded = this.loadTask.value;
    return html`<div class="row">
        <button
          class="primary"
          aria-label=${playing ? t.pauseReplay : t.playReplay}
          @click=${() => session.toggle()}
        >
          ${playing ? t.pause : t.play}
        </button>
        <button aria-label=${t.stopReplay} @click=${this.stop}>${t.stop}</button>
        <label for="rate">${t.replaySpeed}</label>
        <select id="rate" @change=${this.onRate}>
          ${RATES.map((r) => html`<option value=${r} ?selected=${r === clock.rate}>${r}×</option>`)}
        </select>
        <span class="clock" data-replay-time=${Math.round(session.positionMs)}
          >${f.time(session.positionMs)}</span
        >
      </div>
      <div class="row">
        <input
          type="range"
          aria-label=${t.replayPosition}
          aria-valuetext=${f.dateAndTime(session.positionMs)}
          min=${clock.startMs}
          max=${clock.endMs}
          step="1000"
          .value=${String(session.positionMs)}
          @input=${(e: Event) => session.seek(Number((e.target as HTMLInputElement).value))}
        />
      </div>
      ${
        loaded?.capped
          ? html`<p class="note">
              ${t.fleetCapped(f.number(loaded.capped.shown), f.number(loaded.capped.total))}
            </p>`
          : nothing
      }
      ${this.renderFigures()}`;
  }

  private renderFigures() {
    const f = this.prefs.store.format;
    const t = f.t;
    const session = this.session.store;
    const id = this.view.store.value.selectedId;
    const track =
      session.tracks.length === 1 ? session.tracks[0] : session.tracks.find((tr) => tr.id === id);
    if (!track) {
      return html`<p class="note">${t.replayedVehicles(f.number(session.tracks.length))}</p>`;
    }
    const fig = track.figures;
    return html`<dl>
      <dt>${t.figures.distance}</dt>
      <dd>${f.distance(fig.distanceMetres)}</dd>
      <dt>${t.figures.moving}</dt>
      <dd>${f.duration(fig.movingMs)}</dd>
      <dt>${t.figures.maxSpeed}</dt>
      <dd>${f.speed(fig.maxSpeed)}</dd>
      <dt>${t.figures.average}</dt>
      <dd>${f.speed(fig.averageMovingSpeed)}</dd>
      <dt>${t.figures.stops}</dt>
      <dd>${f.number(fig.stops.length)}</dd>
      <dt>${t.figures.fixes}</dt>
      <dd>${f.number(track.points.length)}</dd>
    </dl>`;
  }

  /** The ids a fleet replay covers: the list as filtered and sorted now. */
  private listIds(): string[] {
    const view = this.view.store.value;
    return queryVehicles(this.live.store.vehicles.values(), {
      search: view.search,
      statuses: new Set(view.statuses),
      sort: view.sort,
      nowMs: this.live.store.now,
    }).map((v) => v.id);
  }

  /** The range the inputs describe (the live default unless edited), or an error message. */
  private currentRange(): { fromMs: number; toMs: number } | string {
    const t = this.prefs.store.format.t;
    if (!this.edited) return defaultRange(Date.now());
    const fromMs = new Date(this.fromInput).getTime();
    const toMs = new Date(this.toInput).getTime();
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) return t.rangeOrder;
    return { fromMs, toMs };
  }

  private load = (): void => {
    const t = this.prefs.store.format.t;
    const { selectedId, replay } = this.view.store.value;
    const scope: ReplayScope = selectedId ? this.scope : 'fleet';
    const range = this.currentRange();
    if (typeof range === 'string') return this.fail(range);
    if (scope === 'vehicle' && !selectedId) return this.fail(t.selectFirst);
    this.message = '';
    const request: ReplayRequest = { ...range, rate: replay?.rate ?? 10, scope };
    // Pressing Load again reloads the same range.
    this.loadedKey = '';
    this.view.store.set({ replay: request });
    this.followRequest();
    this.requestUpdate();
  };

  private async fetchReplay(
    request: ReplayRequest,
    id: string | undefined,
    signal: AbortSignal,
  ): Promise<LoadedReplay> {
    const history = this.history.value!;
    const range: HistoryRange = { from: new Date(request.fromMs), to: new Date(request.toMs) };
    const name = (vid: string) => this.live.store.vehicles.get(vid)?.name ?? vid;
    if (request.scope === 'vehicle') {
      const points = await history.range(id!, range, signal);
      return {
        key: requestKey(request, id),
        tracks: [{ id: id!, name: name(id!), points }],
        capped: undefined,
      };
    }
    const all = this.listIds();
    const ids = all.slice(0, FLEET_REPLAY_MAX);
    const byId = await history.fleet(ids, range, signal);
    return {
      key: requestKey(request, id),
      tracks: [...byId].map(([vid, points]) => ({ id: vid, name: name(vid), points })),
      capped: all.length > ids.length ? { shown: ids.length, total: all.length } : undefined,
    };
  }

  private onLoaded(loaded: LoadedReplay): void {
    const session = this.session.store;
    const request = this.view.store.value.replay;
    if (!request || loaded.key !== this.loadedKey) return;
    if (!session.load(loaded.tracks, request.rate)) {
      this.fail(this.prefs.store.format.t.noHistory);
    }
    this.requestUpdate();
  }

  /** Shows an error; whatever replay was loaded goes with it (no stale figures under it). */
  private fail(message: string): void {
    this.message = message;
    this.session.store.stop();
    if (this.view.store.value.replay) this.view.store.set({ replay: undefined });
    this.loadedKey = '';
    this.requestUpdate();
  }

  private clearMessage = (): void => {
    this.message = '';
    this.requestUpdate();
  };

  private stop = (): void => {
    this.view.store.set({ replay: undefined });
    this.session.store.stop();
  };

  private onRate = (e: Event): void => {
    const rate = Number((e.target as HTMLSelectElement).value);
    this.session.store.setRate(rate);
    const replay = this.view.store.value.replay;
    if (replay) this.view.store.set({ replay: { ...replay, rate } });
  };

  private onScope = (e: Event): void => {
    this.scope = (e.target as HTMLSelectElement).value as ReplayScope;
    this.requestUpdate();
  };

  private onFrom = (e: Event): void => {
    this.fromInput = (e.target as HTMLInputElement).value;
    if (!this.edited) this.toInput = toLocalInput(defaultRange(Date.now()).toMs);
    this.edited = true;
  };

  private onTo = (e: Event): void => {
    this.toInput = (e.target as HTMLInputElement).value;
    if (!this.edited) this.fromInput = toLocalInput(defaultRange(Date.now()).fromMs);
    this.edited = true;
  };

  /** Downloads the selected vehicle's range as GPX, or says why not (never saves an error). */
  private exportGpx = async (): Promise<void> => {
    const t = this.prefs.store.format.t;
    const id = this.view.store.value.selectedId;
    if (!id) return this.showMessage(t.selectFirst);
    const range = this.currentRange();
    if (typeof range === 'string') return this.showMessage(range);
    try {
      const blob = await this.history.value!.gpx(id, {
        from: new Date(range.fromMs),
        to: new Date(range.toMs),
      });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${id}-${new Date(range.fromMs).toISOString().slice(0, 16)}.gpx`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.showMessage(t.exportFailed((error as Error).message));
    }
  };

  private showMessage(message: string): void {
    this.message = message;
    this.requestUpdate();
  }
}

customElements.define('replay-bar', ReplayBar);

declare global {
  interface HTMLElementTagNameMap {
    'replay-bar': ReplayBar;
  }
}
