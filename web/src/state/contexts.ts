import { createContext } from '@lit/context';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { HistoryService } from './history.js';
import type { LiveFleet } from './live-fleet.js';
import type { PreferencesStore } from './preferences.js';
import type { ReplaySession } from './replay-session.js';
import type { Store } from './store.js';
import type { ViewState } from './view-state.js';

/**
 * What <fleet-app> provides to every element below it. Later parts plug in the same way:
 * an alerts controller, a geofence store and a reports controller, each with its context.
 */
export const configContext = createContext<RuntimeConfig>(Symbol('fleetman-config'));
export const liveContext = createContext<LiveFleet>(Symbol('fleetman-live'));
export const viewContext = createContext<Store<ViewState>>(Symbol('fleetman-view'));
export const preferencesContext = createContext<PreferencesStore>(Symbol('fleetman-preferences'));
export const historyContext = createContext<HistoryService>(Symbol('fleetman-history'));
export const replayContext = createContext<ReplaySession>(Symbol('fleetman-replay'));
