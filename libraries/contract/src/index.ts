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
