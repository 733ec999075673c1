import { LitElement, css, html, nothing } from 'lit';
import { STATUS_COLOURS } from '../domain/status-style.js';
import { liveContext, preferencesContext, viewContext } from '../state/contexts.js';
import { Use } from '../state/store.js';
import { VehicleSelectEvent } from './events.js';

/** Details of the selected vehicle: speed, heading, status with its duration, last seen. */
export class VehiclePanel extends LitElement {
  private readonly live = new Use(this, liveContext);
  private readonly view = new Use(this, viewContext, (s) => s.value.selectedId);
  private readonly prefs = new Use(this, preferencesContext);

  static override styles = css`
    :host {
      display: block;
      font-size: 14px;
    }
    section {
      padding: 8px 12px;
    }
    header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
    }
    h2 {
      font-size: 16px;
      margin: 0;
    }
    dl {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 4px 12px;
      margin: 8px 0 0;
    }
    dt {
      color: var(--fm-muted);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .badge {
      color: #fff;
      border-radius: 10px;
      padding: 1px 8px;
    }
    button {
      font: inherit;
      border: 1px solid var(--fm-border-strong);
      background: var(--fm-surface);
      color: var(--fm-text);
      border-radius: 4px;
      cursor: pointer;
    }
  `;

  override render() {
    if (!this.live.ready || !this.view.ready) return nothing;
    const id = this.view.store.value.selectedId;
    const v = id ? this.live.store.vehicles.get(id) : undefined;
    if (!v) return nothing;
    const f = this.prefs.store.format;
    const t = f.t;
    const now = this.live.store.now;
    const since = v.statusSince ? Date.parse(v.statusSince) : undefined;
    const seen = Date.parse(v.lastSeen);
    return html`<section aria-labelledby="name">
      <header>
        <h2 id="name">${v.name}</h2>
        <button
          aria-label=${t.closeDetails}
          title=${t.closeDetails}
          @click=${() => this.dispatchEvent(new VehicleSelectEvent(undefined))}
        >
          ✕
        </button>
      </header>
      <dl>
        <dt>${t.statusLabel}</dt>
        <dd>
          <span class="badge status" style="background:${STATUS_COLOURS[v.status]}"
            >${f.status(v.status)}${since !== undefined ? ` ${f.duration(now - since)}` : ''}</span
          >
        </dd>
        <dt>${t.speed}</dt>
        <dd class="speed">${f.speed(v.speed)}</dd>
        <dt>${t.heading}</dt>
        <dd>${f.heading(v.heading)}</dd>
        <dt>${t.lastSeen}</dt>
        <dd class="seen">${f.ago(now - seen)} (${f.time(seen)})</dd>
        <dt>${t.position}</dt>
        <dd class="position">${v.lat.toFixed(5)}, ${v.lng.toFixed(5)}</dd>
      </dl>
    </section>`;
  }
}

customElements.define('vehicle-panel', VehiclePanel);

declare global {
  interface HTMLElementTagNameMap {
    'vehicle-panel': VehiclePanel;
  }
}
