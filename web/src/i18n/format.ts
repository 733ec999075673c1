import {
  durationParts,
  formatDistance,
  formatHeading,
  formatSpeed,
  type SpeedUnit,
} from '../domain/units.js';
import type { VehicleStatus } from '../domain/vehicle.js';
import { MESSAGES, type Locale, type Messages } from './messages.js';

/** The messages of one language plus its Intl formatting, handed to every component. */
export class Formatter {
  readonly t: Messages;
  private readonly integer: Intl.NumberFormat;
  private readonly clock: Intl.DateTimeFormat;
  private readonly dateTime: Intl.DateTimeFormat;

  constructor(
    readonly locale: Locale,
    readonly unit: SpeedUnit,
  ) {
    this.t = MESSAGES[locale];
    this.integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.clock = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    this.dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  }

  number(n: number): string {
    return this.integer.format(n);
  }

  speed(metresPerSecond: number): string {
    return formatSpeed(metresPerSecond, this.unit, this.locale);
  }

  distance(metres: number): string {
    return formatDistance(metres, this.unit, this.locale);
  }

  heading(degrees: number): string {
    return formatHeading(degrees, this.t.compass);
  }

  status(status: VehicleStatus): string {
    return this.t.status[status];
  }

  /** "42 s", "3 h 5 min"; "just now" under 5 s. */
  duration(ms: number): string {
    const p = durationParts(ms);
    const n = (v: number) => this.number(v);
    const d = this.t.duration;
    switch (p.kind) {
      case 'now':
        return this.t.now;
      case 's':
        return d.s(n(p.s));
      case 'min':
        return d.min(n(p.min));
      case 'h':
        return d.h(n(p.h), n(p.min));
      case 'd':
        return d.d(n(p.d), n(p.h));
    }
  }

  /** "just now" or "42 s ago": never "just now ago". */
  ago(ms: number): string {
    return durationParts(ms).kind === 'now' ? this.t.now : this.t.ago(this.duration(ms));
  }

  time(ms: number): string {
    return this.clock.format(ms);
  }

  dateAndTime(ms: number): string {
    return this.dateTime.format(ms);
  }
}
