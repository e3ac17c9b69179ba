// Message bodies: tracker queries (§5.1) and storage commands (§6.1), then the other tracker commands.
export {
  RESPONSE_IP_SIZES,
  checkNameChars,
  type DecodedPrefix,
  type EncodedPrefix,
  type GroupFile,
  type ResponseIpSize,
} from './fields.js';
export type { FetchAllForm, QueryReplyHint, ReplyLayout, ServerAddress } from './addresses.js';
export * from './query.js';
export * from './fetch-all.js';
export * from './upload.js';
export * from './file-ops.js';
export * from './set-metadata.js';
export * from './create-link.js';
export * from './file-info.js';
// Tracker message bodies beyond the client queries (§5.2–§5.4).
export {
  formatIpPort,
  parseIpPort,
  decodeGroupIpPort,
  encodeGroupIpPort,
  type IpPort,
} from './tracker-fields.js';
export * from './tracker-reports.js';
export * from './tracker-sync-source.js';
export * from './tracker-identity.js';
export * from './tracker-parameters.js';
export * from './tracker-admin.js';
export * from './tracker-sys-files.js';
export * from './recovery.js';
