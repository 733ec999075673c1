import { LitElement, css, html, nothing } from 'lit';
import { STATUS_COLOURS } from '../domain/status-style.js';
import { formatDuration, formatHeading, formatSpeed, type SpeedUnit } from '../domain/units.js';
import type { Vehicle } from '../domain/vehicle.js';
import { VehicleSelectEvent } from './events.js';

/** Details of the selected vehicle: speed, heading, status with its duration, last seen. */
export class VehiclePanel extends LitElement {
  static override properties = {
    vehicle: { attribute: false },
    unit: { attribute: false },
    now: { attribute: false },
  };

  declare vehicle: Vehicle | undefined;
  declare unit: SpeedUnit;
  declare now: number;

  constructor() {
    super();
    this.unit = 'kmh';
    this.now = Date.now();
  }

  static override styles = css`
    :host {
      display: block;
      padding: 8px 12px;
      font-size: 14px;
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
      color: #57606a;
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
      border: 1px solid #8c959f;
      background: #fff;
      border-radius: 4px;
      cursor: pointer;
    }
  `;

  override render() {
    const v = this.vehicle;
    if (!v) return nothing;
    const since = v.statusSince ? Date.parse(v.statusSince) : undefined;
    return html` <header>
        <h2>${v.name}</h2>
        <button
          aria-label="Close details"
          @click=${() => this.dispatchEvent(new VehicleSelectEvent(undefined))}
        >
          ✕
        </button>
      </header>
      <dl>
        <dt>Status</dt>
        <dd>
          <span class="badge status" style="background:${STATUS_COLOURS[v.status]}"
            >${v.status}${since !== undefined ? ` ${formatDuration(this.now - since)}` : ''}</span
          >
        </dd>
        <dt>Speed</dt>
        <dd class="speed">${formatSpeed(v.speed, this.unit)}</dd>
        <dt>Heading</dt>
        <dd>${formatHeading(v.heading)}</dd>
        <dt>Last seen</dt>
        <dd>
          ${formatDuration(this.now - Date.parse(v.lastSeen))} ago
          (${new Date(v.lastSeen).toLocaleTimeString()})
        </dd>
        <dt>Position</dt>
        <dd>${v.lat.toFixed(5)}, ${v.lng.toFixed(5)}</dd>
      </dl>`;
  }
}

customElements.define('vehicle-panel', VehiclePanel);

declare global {
  interface HTMLElementTagNameMap {
    'vehicle-panel': VehiclePanel;
  }
}
