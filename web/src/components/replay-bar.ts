import { LitElement, css, html, nothing } from 'lit';
import type { FleetApi } from '../api/fleet-api.js';
import { FrameLoopController } from '../controllers/frame-loop-controller.js';
import { ReplayClock, poseAtTime } from '../domain/replay-clock.js';
import { tripFigures, type TripFigures } from '../domain/trip.js';
import { formatDistance, formatDuration, formatSpeed, type SpeedUnit } from '../domain/units.js';
import type { HistoryPoint } from '../domain/vehicle.js';
import { ReplayChangeEvent } from './replay-events.js';

const RATES = [1, 2, 5, 10, 30, 60];

/** yyyy-MM-ddTHH:mm in local time, the format datetime-local inputs speak. */
function toLocalInput(date: Date): string {
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

/**
 * History replay of one vehicle over a time range: time-true playback at 1–60×, a scrubbable
 * timeline, follow, stops with durations, trip figures and a GPX export of the range.
 */
export class ReplayBar extends LitElement {
  static override properties = {
    vehicleId: { attribute: false },
    api: { attribute: false },
    unit: { attribute: false },
    from: { state: true },
    to: { state: true },
    points: { state: true },
    figures: { state: true },
    positionMs: { state: true },
    message: { state: true },
    follow: { state: true },
  };

  declare vehicleId: string | undefined;
  declare api: FleetApi | undefined;
  declare unit: SpeedUnit;
  declare from: string;
  declare to: string;
  declare points: HistoryPoint[];
  declare figures: TripFigures | undefined;
  declare positionMs: number;
  declare message: string;
  declare follow: boolean;

  private clock: ReplayClock | undefined;
  private readonly loop = new FrameLoopController(this, (wallMs) => this.onFrame(wallMs));

  constructor() {
    super();
    this.unit = 'kmh';
    const now = new Date();
    this.from = toLocalInput(new Date(now.getTime() - 60 * 60_000));
    this.to = toLocalInput(new Date(now.getTime() + 60_000));
    this.points = [];
    this.positionMs = 0;
    this.message = '';
    this.follow = true;
  }

  static override styles = css`
    :host {
      display: block;
      padding: 8px 12px;
      font-size: 14px;
      border-top: 1px solid #d0d7de;
    }
    h3 {
      font-size: 14px;
      margin: 0 0 6px;
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
    button,
    a {
      font: inherit;
    }
    button {
      border: 1px solid #8c959f;
      background: #fff;
      border-radius: 4px;
      padding: 2px 10px;
      cursor: pointer;
    }
    button.primary {
      background: #0969da;
      border-color: #0969da;
      color: #fff;
    }
    input[type='range'] {
      flex: 1;
      min-width: 160px;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(2, auto 1fr);
      gap: 2px 8px;
      margin: 0;
    }
    dt {
      color: #57606a;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .clock {
      font-variant-numeric: tabular-nums;
    }
    [role='alert'] {
      color: #cf222e;
    }
  `;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('vehicleId') && changed.get('vehicleId') !== undefined) this.close();
  }

  override render() {
    if (!this.vehicleId) return nothing;
    const range = this.range();
    const loaded = this.clock !== undefined;
    const playing = this.clock?.playing ?? false;
    return html` <h3>Replay</h3>
      <div class="row">
        <label
          >From
          <input
            type="datetime-local"
            .value=${this.from}
            @change=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >To
          <input
            type="datetime-local"
            .value=${this.to}
            @change=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)}
        /></label>
        <button @click=${this.load}>Load</button>
        ${this.api && range ? html`<a href=${this.api.historyUrl(this.vehicleId, range, 'gpx')} download>Export GPX</a>` : nothing}
      </div>
      ${this.message ? html`<p role="alert">${this.message}</p>` : nothing}
      ${
        loaded
          ? html` <div class="row">
                <button
                  class="primary"
                  aria-label=${playing ? 'Pause replay' : 'Play replay'}
                  @click=${this.togglePlay}
                >
                  ${playing ? 'Pause' : 'Play'}
                </button>
                <button aria-label="Stop replay" @click=${this.close}>Stop</button>
                <label
                  >Speed
                  <select aria-label="Replay speed" @change=${this.onRate}>
                    ${RATES.map((r) => html`<option value=${r} ?selected=${r === this.clock?.rate}>${r}×</option>`)}
                  </select></label
                >
                <label
                  ><input
                    type="checkbox"
                    .checked=${this.follow}
                    @change=${(e: Event) => {
                      this.follow = (e.target as HTMLInputElement).checked;
                      this.emit();
                    }}
                  />
                  Follow</label
                >
                <span class="clock" data-replay-time=${this.positionMs}
                  >${new Date(this.positionMs).toLocaleTimeString()}</span
                >
              </div>
              <div class="row">
                <input
                  type="range"
                  aria-label="Replay position"
                  min=${this.clock!.startMs}
                  max=${this.clock!.endMs}
                  step="1000"
                  .value=${String(this.positionMs)}
                  @input=${this.onScrub}
                />
              </div>
              ${this.renderFigures()}`
          : nothing
      }`;
  }

  private renderFigures() {
    const f = this.figures;
    if (!f) return nothing;
    return html`<dl>
      <dt>Distance</dt>
      <dd>${formatDistance(f.distanceMetres)}</dd>
      <dt>Moving</dt>
      <dd>${formatDuration(f.movingMs)}</dd>
      <dt>Max speed</dt>
      <dd>${formatSpeed(f.maxSpeed, this.unit)}</dd>
      <dt>Average</dt>
      <dd>${formatSpeed(f.averageMovingSpeed, this.unit)}</dd>
      <dt>Stops</dt>
      <dd>${f.stops.length}</dd>
      <dt>Fixes</dt>
      <dd>${this.points.length}</dd>
    </dl>`;
  }

  private range() {
    const from = new Date(this.from);
    const to = new Date(this.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return undefined;
    return { from, to, limit: 10_000 };
  }

  private load = async (): Promise<void> => {
    const range = this.range();
    if (!this.api || !this.vehicleId) return;
    if (!range || range.from >= range.to) {
      this.message = 'Choose a start before the end.';
      return;
    }
    this.message = '';
    try {
      const points = await this.api.history(this.vehicleId, range);
      if (points.length < 2) {
        this.message = 'No history in this range.';
        return;
      }
      this.points = points;
      this.figures = tripFigures(points);
      this.clock = new ReplayClock(Date.parse(points[0]!.time), Date.parse(points.at(-1)!.time));
      this.positionMs = this.clock.startMs;
      this.emit();
    } catch (error) {
      this.message = `Could not load history: ${(error as Error).message}`;
    }
  };

  private togglePlay = (): void => {
    if (!this.clock) return;
    const now = performance.now();
    if (this.clock.playing) {
      this.clock.pause(now);
      this.loop.stop();
    } else {
      this.clock.play(now);
      this.loop.start();
    }
    this.requestUpdate();
  };

  private onFrame(wallMs: number): boolean {
    if (!this.clock) return false;
    this.positionMs = this.clock.tick(wallMs);
    this.emit();
    return this.clock.playing;
  }

  private onRate = (e: Event): void => {
    this.clock?.setRate(Number((e.target as HTMLSelectElement).value), performance.now());
  };

  private onScrub = (e: Event): void => {
    if (!this.clock) return;
    this.clock.seek(Number((e.target as HTMLInputElement).value), performance.now());
    this.positionMs = this.clock.tick(performance.now());
    this.emit();
  };

  /** Stops playback and clears the replay from the map. */
  close = (): void => {
    this.loop.stop();
    const wasOpen = this.clock !== undefined;
    this.clock = undefined;
    this.points = [];
    this.figures = undefined;
    if (wasOpen) this.dispatchEvent(new ReplayChangeEvent(undefined));
  };

  private emit(): void {
    this.dispatchEvent(
      new ReplayChangeEvent({
        points: this.points,
        pose: poseAtTime(this.points, this.positionMs),
        stops: this.figures?.stops ?? [],
        follow: this.follow,
      }),
    );
  }
}

customElements.define('replay-bar', ReplayBar);

declare global {
  interface HTMLElementTagNameMap {
    'replay-bar': ReplayBar;
  }
}
