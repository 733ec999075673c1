// Helpers for the services' own tests (not used by production code).
export { assertStreamEvent, contractFetch } from './contract-fetch.js';
export {
  observeShutdown,
  startServiceProcess,
  type ServiceProcess,
  type ShutdownObservation,
} from './service-process.js';
export { rawRequest, type RawResponse } from './raw-http.js';
