// Client-facing message bodies: tracker queries (§5.1) and storage commands (§6.1).
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
