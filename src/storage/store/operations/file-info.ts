// QUERY_FILE_INFO (22), §6.1: size and mtime from the file (a symlink's target), the CRC32 from
// the name for a normal file, or computed over the content for an appender or slave file (0 with
// the no-CRC flag), and the source's IP decoded from the name (a server id is looked up in the
// storage ids, the address chosen by the requester's IP class, §9.10). The order is C's: the
// file is looked up before the 37-character check, so a short name of a missing file is ENOENT
// (`storage-22-query-file-info-short-name.json`, §16 #4).
import { addressFor } from '../../../common/ip-class.js';
import { Errno } from '../../../protocol/errno.js';
import { FILENAME_BASE64_LENGTH, LOGIC_FILE_PATH_LEN } from '../../../protocol/constants.js';
import { isAppenderSizeField, isServerIdText } from '../../../protocol/file-id/name-block.js';
import { isSlaveFileName } from '../../../protocol/file-id/slave-name.js';
import type { FileInfoReply } from '../../../protocol/messages/file-info.js';
import { crcOfFile } from '../file-crc.js';
import { invalid, ioError, storeError } from '../errors.js';
import type { StoreContext } from './context.js';
import { countFileIo, nameBlockOf, statExisting } from './common.js';

/** Shortest name QUERY_FILE_INFO decodes: "Mpp/XX/YY/" + the 27-character block. */
export const MIN_QUERY_NAME_LENGTH = LOGIC_FILE_PATH_LEN + FILENAME_BASE64_LENGTH;

export interface QueryFileInfoOptions {
  /** Header status bit 0: do not compute the CRC32 of appender and slave files. */
  noCrc?: boolean;
  /** The requester's IP, to pick the address of a dual-address source (§9.10). */
  requesterIp?: string;
}

export interface FileInfo extends FileInfoReply {
  kind: 'normal' | 'appender' | 'slave';
}

export async function queryFileInfo(
  ctx: StoreContext,
  logicName: string,
  options: QueryFileInfoOptions = {},
): Promise<FileInfo> {
  const resolved = ctx.layout.resolve(logicName);
  const stats = await statExisting(ctx, resolved);
  if (logicName.length < MIN_QUERY_NAME_LENGTH) {
    throw invalid(`${logicName} is shorter than ${MIN_QUERY_NAME_LENGTH} characters`);
  }
  if (stats.isDirectory()) throw storeError(Errno.EISDIR, `${logicName} is a folder`);
  const block = nameBlockOf(resolved, 'file');
  const kind = isAppenderSizeField(block.sizeField)
    ? 'appender'
    : isSlaveFileName(logicName, block.sizeField)
      ? 'slave'
      : 'normal';
  let crc32 = block.crc32;
  if (kind !== 'normal') {
    if (options.noCrc) crc32 = 0;
    else {
      let ok = false;
      try {
        crc32 = (await crcOfFile(ctx.fs, resolved.dataPath)).crc32;
        ok = true;
      } catch (err) {
        throw ioError(err, `read ${logicName}`);
      } finally {
        countFileIo(ctx, 'read', ok);
      }
    }
  }
  let sourceIp = block.sourceIdOrIp;
  if (isServerIdText(sourceIp)) {
    const entry = ctx.settings.storageIds.find((e) => e.id === sourceIp);
    sourceIp = entry ? addressFor(entry.ips, options.requesterIp) : '';
  }
  return {
    kind,
    fileSize: stats.size,
    createTimestamp: Math.floor(stats.mtimeMs / 1000),
    crc32,
    sourceIp,
  };
}
