// Helpers for the services' own tests (not used by production code).
export {
  observeShutdown,
  startServiceProcess,
  type ServiceProcess,
  type ShutdownObservation,
} from './service-process.js';
