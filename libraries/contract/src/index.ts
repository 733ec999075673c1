// What every side agrees on. The documents next to src/ (openapi.yaml, asyncapi.yaml) hold the
// JSON Schemas; the types here are the same shapes for TypeScript. No Node-only code: the web app
// imports this package too.
export {
  encodePosition,
  parsePositionMessage,
  MAX_MESSAGE_BYTES,
  POSITION_SCHEMA_VERSION,
  REJECT_REASONS,
  type ParseResult,
  type PositionFix,
  type RejectReason,
} from './position-message.js';
export {
  HISTORY_FORMATS,
  POSITION_FLAGS,
  VEHICLE_STATUSES,
  type ApiErrorBody,
  type HistoryFormat,
  type HistoryPoint,
  type PositionFlag,
  type VehicleStatus,
  type VehicleView,
} from './vehicle.js';
export {
  STREAM_EVENTS,
  type PositionEventData,
  type SnapshotEndData,
  type StatusEventData,
  type StreamEventName,
} from './stream-events.js';
export {
  DEVICE_STATUSES,
  type DeviceRegistration,
  type DeviceSecret,
  type DeviceStatus,
  type DeviceView,
} from './device.js';
export { ALERT_TYPES, type Alert, type AlertType } from './alert.js';
export {
  type Geofence,
  type GeofenceCircle,
  type GeofenceGeometry,
  type GeofenceInput,
  type GeofencePolygon,
} from './geofence.js';
export { distanceM, EARTH_RADIUS_M, type LatLng } from './geo.js';
export {
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  readSseEvents,
  SseParser,
  type ParsedSseEvent,
  type SseEventFields,
  type SseParserHandlers,
} from './sse.js';
