import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { STATUS_COLOURS } from '../domain/status-style.js';
import { formatDuration, formatSpeed, type SpeedUnit } from '../domain/units.js';
import { VEHICLE_STATUSES, type Vehicle, type VehicleStatus } from '../domain/vehicle.js';
import { queryVehicles, type VehicleSort } from '../domain/vehicle-query.js';
import { VehicleSelectEvent } from './events.js';

/** Rows rendered at most; with 10,000 vehicles the search narrows the rest down. */
export const MAX_ROWS = 100;

/**
 * Searchable, sortable, filterable vehicle list. Keyboard: Tab into the list, arrows/Home/End
 * move, Enter or Space selects (a listbox with a roving tabindex).
 */
export class VehicleList extends LitElement {
  static override properties = {
    vehicles: { attribute: false },
    selectedId: { attribute: false },
    unit: { attribute: false },
    now: { attribute: false },
    search: { state: true },
    sort: { state: true },
    statuses: { state: true },
    focusedId: { state: true },
  };

  declare vehicles: Vehicle[];
  declare selectedId: string | undefined;
  declare unit: SpeedUnit;
  declare now: number;
  declare search: string;
  declare sort: VehicleSort;
  declare statuses: Set<VehicleStatus>;
  declare focusedId: string | undefined;

  constructor() {
    super();
    this.vehicles = [];
    this.unit = 'kmh';
    this.now = Date.now();
    this.search = '';
    this.sort = 'name';
    this.statuses = new Set(VEHICLE_STATUSES);
  }

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
      font-size: 14px;
    }
    .controls {
      display: grid;
      gap: 6px;
      padding: 8px;
      border-bottom: 1px solid #d0d7de;
    }
    input[type='search'],
    select {
      font: inherit;
      padding: 4px 6px;
      border: 1px solid #8c959f;
      border-radius: 4px;
    }
    fieldset {
      border: 0;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px 10px;
    }
    legend {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .count {
      color: #57606a;
      font-size: 12px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      overflow-y: auto;
      flex: 1;
    }
    li {
      display: grid;
      grid-template-columns: 12px 1fr auto;
      gap: 2px 8px;
      padding: 6px 8px;
      border-bottom: 1px solid #eaeef2;
      cursor: pointer;
      /* Rows out of view skip layout and paint: list refreshes stay cheap with big fleets. */
      content-visibility: auto;
      contain-intrinsic-size: auto 45px;
    }
    li:hover {
      background: #f3f4f6;
    }
    li[aria-selected='true'] {
      background: #ddf4ff;
      box-shadow: inset 3px 0 #0969da;
    }
    li:focus-visible {
      outline: 2px solid #0969da;
      outline-offset: -2px;
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      align-self: center;
    }
    .name {
      font-weight: 600;
    }
    .meta {
      grid-column: 2 / 4;
      color: #57606a;
      font-size: 12px;
    }
  `;

  override render() {
    const rows = queryVehicles(this.vehicles, {
      search: this.search,
      statuses: this.statuses,
      sort: this.sort,
    });
    const shown = rows.slice(0, MAX_ROWS);
    const focused = shown.some((v) => v.id === this.focusedId) ? this.focusedId : shown[0]?.id;
    return html` <div class="controls">
        <input
          type="search"
          placeholder="Search vehicles"
          aria-label="Search vehicles"
          .value=${this.search}
          @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)}
        />
        <label
          >Sort by
          <select
            aria-label="Sort by"
            @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as VehicleSort)}
          >
            <option value="name" ?selected=${this.sort === 'name'}>Name</option>
            <option value="speed" ?selected=${this.sort === 'speed'}>Speed</option>
            <option value="lastSeen" ?selected=${this.sort === 'lastSeen'}>Last seen</option>
          </select>
        </label>
        <fieldset>
          <legend>Show statuses</legend>
          ${VEHICLE_STATUSES.map(
            (status) =>
              html`<label
                ><input
                  type="checkbox"
                  .checked=${this.statuses.has(status)}
                  @change=${() => this.toggleStatus(status)}
                />
                ${status}</label
              >`,
          )}
        </fieldset>
        <span class="count" role="status"
          >${rows.length} of ${this.vehicles.length}
          vehicles${
            rows.length > MAX_ROWS ? html` (first ${MAX_ROWS} shown: refine the search)` : ''
          }</span
        >
      </div>
      <ul role="listbox" aria-label="Vehicles" @keydown=${this.onKeyDown}>
        ${repeat(
          shown,
          (v) => v.id,
          (v) =>
            html` <li
              role="option"
              id="v-${v.id}"
              data-id=${v.id}
              aria-selected=${v.id === this.selectedId ? 'true' : 'false'}
              tabindex=${v.id === focused ? 0 : -1}
              @click=${() => this.select(v.id)}
            >
              <span class="dot" style="background:${STATUS_COLOURS[v.status]}"></span>
              <span class="name">${v.name}</span>
              <span>${formatSpeed(v.speed, this.unit)}</span>
              <span class="meta"
                >${v.status} · seen ${formatDuration(this.now - Date.parse(v.lastSeen))} ago</span
              >
            </li>`,
        )}
      </ul>`;
  }

  private toggleStatus(status: VehicleStatus): void {
    const next = new Set(this.statuses);
    if (next.has(status)) next.delete(status);
    else next.add(status);
    this.statuses = next;
  }

  private select(id: string): void {
    this.focusedId = id;
    this.dispatchEvent(new VehicleSelectEvent(id === this.selectedId ? undefined : id));
  }

  private onKeyDown = (event: KeyboardEvent): void => {
    const items = [...this.renderRoot.querySelectorAll<HTMLLIElement>('li[role=option]')];
    const index = items.findIndex((item) => item === this.renderRoot.querySelector('li:focus'));
    const move = (to: number) => {
      const item = items[Math.max(0, Math.min(items.length - 1, to))];
      if (!item) return;
      this.focusedId = item.dataset.id;
      item.focus();
      event.preventDefault();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if ((event.key === 'Enter' || event.key === ' ') && index >= 0) {
      event.preventDefault();
      this.select(items[index]!.dataset.id!);
    }
  };
}

customElements.define('vehicle-list', VehicleList);

declare global {
  interface HTMLElementTagNameMap {
    'vehicle-list': VehicleList;
  }
}
