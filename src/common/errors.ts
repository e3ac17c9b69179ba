// The project's error class and its code registry live in protocol/errors.ts (the codec raises
// them and protocol/ imports nothing of ours); everything above protocol/ imports them from here.
export {
  ErrorCodes,
  FdfsError,
  isFdfsError,
  serverStatusError,
  type ErrorCode,
  type FdfsErrorOptions,
} from '../protocol/errors.js';
