import { isSpeedUnit, type SpeedUnit } from '../domain/units.js';
import { Formatter } from '../i18n/format.js';
import { isLocale, type Locale } from '../i18n/messages.js';
import { Store } from './store.js';

export type ThemeChoice = 'system' | 'light' | 'dark';
const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The user's own settings: kept in localStorage, not in shared links. */
export interface Preferences {
  unit: SpeedUnit;
  theme: ThemeChoice;
  locale: Locale;
}

const KEYS = { unit: 'fleetman.speedUnit', theme: 'fleetman.theme', locale: 'fleetman.locale' };

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function browserLocale(): Locale {
  const first = (typeof navigator !== 'undefined' ? navigator.language : 'en').slice(0, 2);
  return isLocale(first) ? first : 'en';
}

export function rememberedPreferences(): Preferences {
  const unit = read(KEYS.unit);
  const theme = read(KEYS.theme) as ThemeChoice | null;
  const locale = read(KEYS.locale);
  return {
    unit: isSpeedUnit(unit) ? unit : 'kmh',
    theme: theme && THEMES.includes(theme) ? theme : 'system',
    locale: isLocale(locale) ? locale : browserLocale(),
  };
}

/** Preferences plus the Formatter they imply (rebuilt when the language or unit changes). */
export class PreferencesStore extends Store<Preferences> {
  private cached: Formatter | undefined;

  constructor(initial: Preferences = rememberedPreferences()) {
    super(initial);
    this.subscribe((next) => {
      for (const key of Object.keys(KEYS) as (keyof Preferences)[]) {
        try {
          localStorage.setItem(KEYS[key], next[key]);
        } catch {
          // Private mode: the choice lasts for this page only.
        }
      }
    });
  }

  get format(): Formatter {
    const { locale, unit } = this.value;
    if (this.cached?.locale !== locale || this.cached.unit !== unit) {
      this.cached = new Formatter(locale, unit);
    }
    return this.cached;
  }
}

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return THEMES.includes(value as ThemeChoice);
}
