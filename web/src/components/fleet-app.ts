import { LitElement, css, html } from 'lit';
import { FleetApi } from '../api/fleet-api.js';
import { DEFAULT_CONFIG, type RuntimeConfig } from '../config/runtime-config.js';
import { PositionStreamController } from '../controllers/position-stream-controller.js';
import { SPEED_UNITS, isSpeedUnit, type SpeedUnit } from '../domain/units.js';
import type { VehicleSelectEvent } from './events.js';
import type { FleetMap } from './fleet-map.js';
import type { ReplayChangeEvent } from './replay-events.js';
import './fleet-map.js';
import './vehicle-list.js';
import './vehicle-panel.js';
import './replay-bar.js';

const UNIT_KEY = 'fleetman.speedUnit';
const TRAIL_MINUTES = 30;

function rememberedUnit(): SpeedUnit {
  try {
    const stored = localStorage.getItem(UNIT_KEY);
    return isSpeedUnit(stored) ? stored : 'kmh';
  } catch {
    return 'kmh';
  }
}

/** The app shell: owns the stream and the selection, and mediates between its children. */
export class FleetApp extends LitElement {
  static override properties = {
    config: { attribute: false },
    selectedId: { state: true },
    unit: { state: true },
    trailError: { state: true },
  };

  declare config: RuntimeConfig;
  declare selectedId: string | undefined;
  declare unit: SpeedUnit;
  declare trailError: string;

  private api = new FleetApi(DEFAULT_CONFIG.apiBase);
  private stream: PositionStreamController | undefined;

  constructor() {
    super();
    this.config = DEFAULT_CONFIG;
    this.unit = rememberedUnit();
    this.trailError = '';
  }

  static override styles = css`
    :host {
      display: grid;
      height: 100%;
      grid-template-rows: auto 1fr;
      grid-template-columns: 320px 1fr;
      grid-template-areas: 'header header' 'side map';
      font-family: system-ui, sans-serif;
      color: #1f2328;
    }
    header {
      grid-area: header;
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 6px 12px;
      background: #24292f;
      color: #fff;
    }
    h1 {
      font-size: 18px;
      margin: 0;
      flex: 1;
    }
    header select {
      font: inherit;
    }
    .connection {
      border-radius: 10px;
      padding: 2px 10px;
      font-size: 13px;
      font-weight: 600;
    }
    .connection[data-state='live'] {
      background: #1a7f37;
    }
    .connection[data-state='connecting'],
    .connection[data-state='reconnecting'] {
      background: #9a6700;
    }
    aside {
      grid-area: side;
      display: flex;
      flex-direction: column;
      min-height: 0;
      border-right: 1px solid #d0d7de;
      background: #fff;
    }
    vehicle-list {
      flex: 1;
      min-height: 0;
    }
    fleet-map {
      grid-area: map;
      min-height: 300px;
    }
    [role='alert'] {
      color: #cf222e;
      margin: 4px 12px;
    }
    @media (max-width: 700px) {
      :host {
        grid-template-columns: 1fr;
        grid-template-rows: auto 55vh auto;
        grid-template-areas: 'header' 'map' 'side';
        height: auto;
      }
      aside {
        border-right: 0;
        max-height: none;
      }
      vehicle-list {
        max-height: 50vh;
      }
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.api = new FleetApi(this.config.apiBase);
    this.stream ??= new PositionStreamController(this, {
      url: this.api.streamUrl,
      onFrame: (update) => this.map?.applyFrame(update),
    });
  }

  private get map(): FleetMap | null {
    return this.renderRoot.querySelector('fleet-map');
  }

  override render() {
    const stream = this.stream!;
    const vehicles = [...stream.vehicles.values()];
    const selected = this.selectedId ? stream.vehicles.get(this.selectedId) : undefined;
    const now = Date.now();
    const stateLabel = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[
      stream.state
    ];
    return html` <header>
        <h1>Fleetman</h1>
        <span class="connection" role="status" data-state=${stream.state}>${stateLabel}</span>
        <label
          >Units
          <select aria-label="Speed unit" @change=${this.onUnit}>
            ${Object.entries(SPEED_UNITS).map(([key, { label }]) => html`<option value=${key} ?selected=${key === this.unit}>${label}</option>`)}
          </select></label
        >
      </header>
      <aside aria-label="Vehicles">
        <vehicle-list
          .vehicles=${vehicles}
          .selectedId=${this.selectedId}
          .unit=${this.unit}
          .now=${now}
          @vehicle-select=${this.onSelect}
        ></vehicle-list>
        <vehicle-panel
          .vehicle=${selected}
          .unit=${this.unit}
          .now=${now}
          @vehicle-select=${this.onSelect}
        ></vehicle-panel>
        ${this.trailError ? html`<p role="alert">${this.trailError}</p>` : ''}
        <replay-bar
          .vehicleId=${this.selectedId}
          .api=${this.api}
          .unit=${this.unit}
          @replay-change=${(e: ReplayChangeEvent) => this.map?.showReplay(e.view)}
        ></replay-bar>
      </aside>
      <fleet-map
        .config=${this.config}
        .selectedId=${this.selectedId}
        @vehicle-select=${this.onSelect}
      ></fleet-map>`;
  }

  private onUnit = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    if (!isSpeedUnit(value)) return;
    this.unit = value;
    try {
      localStorage.setItem(UNIT_KEY, value);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  };

  private onSelect = async (event: VehicleSelectEvent): Promise<void> => {
    event.stopPropagation();
    const id = event.vehicleId;
    this.selectedId = id;
    this.trailError = '';
    this.map?.setTrail([]);
    this.map?.showReplay(undefined);
    if (!id) return;
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - TRAIL_MINUTES * 60_000);
    try {
      const points = await this.api.history(id, { from, to, limit: 5000 });
      if (this.selectedId === id) this.map?.setTrail(points);
    } catch (error) {
      this.trailError = `Trail unavailable: ${(error as Error).message}`;
    }
  };
}

customElements.define('fleet-app', FleetApp);

declare global {
  interface HTMLElementTagNameMap {
    'fleet-app': FleetApp;
  }
}
