export { redactUrl } from './redact.js';
export {
  ConfigError,
  env,
  loadConfig,
  type ConfigOf,
  type LogLevel,
  type Parser,
} from './config.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { createRegistry, Counter, Gauge, Histogram, Registry, LATENCY_BUCKETS } from './metrics.js';
export { AppError } from './http/app-error.js';
export { errorHandler } from './http/error-handler.js';
export { requestContext, REQUEST_ID_HEADER } from './http/request-context.js';
export { httpMetrics } from './http/http-metrics.js';
export { healthRoutes, type ReadinessCheck } from './http/health.js';
export { createHttpApp, type HttpAppOptions } from './http/create-http-app.js';
export { listen, type RunningServer } from './http/listen.js';
export { openEventStream } from './http/event-stream.js';
export { Lifecycle, type LifecycleOptions } from './lifecycle.js';
export { runMain } from './main.js';
export {
  runService,
  serviceConfigSchema,
  type ServiceContext,
  type ServiceDefinition,
  type ShutdownSteps,
} from './run-service.js';
export { packageVersion } from './package-version.js';
export { createBackoff, type Backoff, type BackoffOptions } from './backoff.js';
export {
  TokenBucket,
  type TakeResult,
  type TokenBucketOptions,
} from './rate-limit/token-bucket.js';
export { RateLimiter, type RateLimiterOptions } from './rate-limit/rate-limiter.js';
export {
  ApiContract,
  loadApiContract,
  type ContractDocument,
  type Operation,
  type OperationMatch,
  type RequestProblem,
  type ResponseInput,
} from './contract/api-contract.js';
export { validateRequests } from './contract/validate-requests.js';
export { mongoDatabaseName } from './mongo/database-name.js';
