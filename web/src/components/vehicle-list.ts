import { LitElement, css, html, nothing } from 'lit';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import { STATUS_COLOURS } from '../domain/status-style.js';
import { VEHICLE_STATUSES, type Vehicle, type VehicleStatus } from '../domain/vehicle.js';
import { queryVehicles, type VehicleSort } from '../domain/vehicle-query.js';
import { liveContext, preferencesContext, viewContext } from '../state/contexts.js';
import { Use } from '../state/store.js';
import { VehicleSelectEvent } from './events.js';

const SORTS: VehicleSort[] = ['name', 'speed', 'lastSeen'];

/**
 * Searchable, sortable, filterable list of every vehicle, virtualised (only the rows in view
 * exist in the DOM, so 50,000 vehicles scroll like 50). Keyboard: Tab into the list,
 * arrows/Page/Home/End move the active row (aria-activedescendant), Enter or Space selects.
 */
export class VehicleList extends LitElement {
  private readonly live = new Use(this, liveContext);
  private readonly view = new Use(
    this,
    viewContext,
    (s) => `${s.value.selectedId}|${s.value.search}|${s.value.sort}|${s.value.statuses.join()}`,
  );
  private readonly prefs = new Use(this, preferencesContext);
  private activeId: string | undefined;
  private listFocused = false;
  private rows: Vehicle[] = [];

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
      border-bottom: 1px solid var(--fm-border);
    }
    .sort {
      display: flex;
      gap: 6px;
      align-items: center;
    }
    input[type='search'],
    select,
    button {
      font: inherit;
      padding: 4px 6px;
      border: 1px solid var(--fm-border-strong);
      border-radius: 4px;
      background: var(--fm-surface);
      color: var(--fm-text);
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
      color: var(--fm-muted);
      font-size: 12px;
    }
    lit-virtualizer {
      flex: 1;
      min-height: 0;
    }
    lit-virtualizer:focus-visible {
      outline: 2px solid var(--fm-focus);
      outline-offset: -2px;
    }
    [role='option'] {
      width: 100%;
      box-sizing: border-box;
      display: grid;
      grid-template-columns: 12px 1fr auto;
      gap: 2px 8px;
      padding: 6px 8px;
      border-bottom: 1px solid var(--fm-border);
      cursor: pointer;
    }
    [role='option']:hover {
      background: var(--fm-hover);
    }
    [role='option'][aria-selected='true'] {
      background: var(--fm-selected);
      box-shadow: inset 3px 0 var(--fm-accent);
    }
    [role='option'].active {
      outline: 2px solid var(--fm-focus);
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
      color: var(--fm-muted);
      font-size: 12px;
    }
    .empty {
      margin: 12px;
      color: var(--fm-muted);
    }
  `;

  /** The skip link lands here. */
  focusList(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('lit-virtualizer');
    if (list) list.focus();
    else this.renderRoot.querySelector<HTMLElement>('input')?.focus();
  }

  override render() {
    if (!this.live.ready || !this.view.ready) return nothing;
    const live = this.live.store;
    const view = this.view.store.value;
    const f = this.prefs.store.format;
    const t = f.t;
    const statuses = new Set(view.statuses);
    this.rows = queryVehicles(live.vehicles.values(), {
      search: view.search,
      statuses,
      sort: view.sort,
      nowMs: live.now,
    });
    const rows = this.rows;
    if (!rows.some((v) => v.id === this.activeId)) this.activeId = rows[0]?.id;
    const now = live.now;
    return html`<div class="controls">
        <input
          type="search"
          placeholder=${t.searchVehicles}
          aria-label=${t.searchVehicles}
          .value=${view.search}
          @input=${(e: Event) => this.view.store.set({ search: (e.target as HTMLInputElement).value })}
        />
        <div class="sort">
          <label for="sort">${t.sortBy}</label>
          <select
            id="sort"
            @change=${(e: Event) =>
              this.view.store.set({ sort: (e.target as HTMLSelectElement).value as VehicleSort })}
          >
            ${SORTS.map(
              (s) => html`<option value=${s} ?selected=${view.sort === s}>${t.sorts[s]}</option>`,
            )}
          </select>
        </div>
        <fieldset>
          <legend>${t.showStatuses}</legend>
          ${VEHICLE_STATUSES.map(
            (status) =>
              html`<label
                ><input
                  type="checkbox"
                  .checked=${statuses.has(status)}
                  @change=${() => this.toggleStatus(status)}
                />
                ${f.status(status)}</label
              >`,
          )}
        </fieldset>
        <span class="count" role="status"
          >${t.count(f.number(rows.length), f.number(live.vehicles.size))}</span
        >
      </div>
      ${
        rows.length === 0
          ? html`<p class="empty">
              ${
                view.search.trim()
                  ? html`${t.noMatch(view.search.trim())}
                      <button @click=${() => this.view.store.set({ search: '' })}>
                        ${t.clearSearch}
                      </button>`
                  : live.vehicles.size === 0
                    ? t.noVehicles
                    : t.noStatus
              }
            </p>`
          : html`<lit-virtualizer
              scroller
              role="listbox"
              aria-label=${t.vehicles}
              tabindex="0"
              aria-activedescendant=${this.listFocused && this.activeId ? `v-${this.activeId}` : nothing}
              .items=${rows}
              .keyFunction=${(v: Vehicle) => v.id}
              .renderItem=${(v: Vehicle, index: number) =>
                html`<div
                  role="option"
                  id="v-${v.id}"
                  data-id=${v.id}
                  class=${v.id === this.activeId && this.listFocused ? 'active' : ''}
                  aria-selected=${v.id === view.selectedId ? 'true' : 'false'}
                  aria-posinset=${index + 1}
                  aria-setsize=${rows.length}
                  tabindex="-1"
                  @click=${() => this.select(v.id)}
                >
                  <span class="dot" style="background:${STATUS_COLOURS[v.status]}"></span>
                  <span class="name">${v.name}</span>
                  <span>${f.speed(v.speed)}</span>
                  <span class="meta"
                    >${f.status(v.status)} · ${t.seen(f.ago(now - Date.parse(v.lastSeen)))}</span
                  >
                </div>`}
              @keydown=${this.onKeyDown}
              @focusin=${this.onFocusIn}
              @focusout=${this.onFocusOut}
            ></lit-virtualizer>`
      }`;
  }

  private toggleStatus(status: VehicleStatus): void {
    const current = new Set(this.view.store.value.statuses);
    if (current.has(status)) current.delete(status);
    else current.add(status);
    this.view.store.set({ statuses: VEHICLE_STATUSES.filter((s) => current.has(s)) });
  }

  private select(id: string): void {
    this.activeId = id;
    const selected = this.view.store.value.selectedId;
    this.dispatchEvent(new VehicleSelectEvent(id === selected ? undefined : id));
  }

  private onFocusIn = (event: FocusEvent): void => {
    const option = (event.target as HTMLElement).closest<HTMLElement>('[role=option]');
    if (option?.dataset.id) this.activeId = option.dataset.id;
    this.listFocused = true;
    this.requestUpdate();
  };

  private onFocusOut = (event: FocusEvent): void => {
    const list = this.renderRoot.querySelector('lit-virtualizer');
    if (list?.contains(event.relatedTarget as Node)) return;
    this.listFocused = false;
    this.requestUpdate();
  };

  private onKeyDown = (event: KeyboardEvent): void => {
    const rows = this.rows;
    if (rows.length === 0) return;
    const option = (event.target as HTMLElement).closest<HTMLElement>('[role=option]');
    const current = option?.dataset.id ?? this.activeId;
    const index = Math.max(
      0,
      rows.findIndex((v) => v.id === current),
    );
    const page = Math.max(
      1,
      Math.floor((this.renderRoot.querySelector('lit-virtualizer')?.clientHeight ?? 400) / 48) - 1,
    );
    const targets: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (event.key in targets) {
      event.preventDefault();
      this.activate(Math.max(0, Math.min(rows.length - 1, targets[event.key]!)));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.select(rows[index]!.id);
    }
  };

  /** Makes row `index` the active one, scrolled into view, with focus on the list. */
  private activate(index: number): void {
    const list = this.renderRoot.querySelector<LitVirtualizer>('lit-virtualizer');
    const row = this.rows[index];
    if (!list || !row) return;
    this.activeId = row.id;
    list.element(index)?.scrollIntoView({ block: 'nearest' });
    if ((this.renderRoot as ShadowRoot).activeElement !== list) list.focus();
    this.requestUpdate();
  }
}

customElements.define('vehicle-list', VehicleList);

declare global {
  interface HTMLElementTagNameMap {
    'vehicle-list': VehicleList;
  }
}
