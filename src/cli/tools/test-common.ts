// What fdfs_test, fdfs_test1 and fdfs_appender_test share (§12): the banner, the upload modes,
// the test metadata, and the file-info block printed after each change (fdfs_get_file_info: the
// name is decoded, and appender and slave files are asked of the storage on new connections).
import { queryFileInfo } from '../../client/operations.js';
import type { StorageIdEntry } from '../../protocol/file-id/index.js';
import { decodeFileId, fileInfoNeedsServer } from '../../protocol/file-id/index.js';
import { formatDateTime } from './c-format.js';
import type { ToolClients } from './tool-client.js';

export const BANNER =
  'This is FastDFS client test program v6.16.1\n\n' +
  'Copyright (C) 2008, Happy Fish / YuQing\n\n' +
  'FastDFS may be copied only under the terms of the GNU General\n' +
  'Public License V3, which may be found in the FastDFS source kit.\n' +
  'Please visit the FastDFS Home Page http://www.fastken.com/ \n' +
  'for more detail.\n\n';

export type UploadMode = 'FILE' | 'BUFF' | 'CALLBACK';

export function uploadMode(arg: string | undefined): UploadMode {
  return arg === 'BUFF' || arg === 'CALLBACK' ? arg : 'FILE';
}

/** The C function name each mode prints ("storage_upload_by_filename"...). */
export const MODE_SUFFIX: Record<UploadMode, string> = {
  FILE: 'filename',
  BUFF: 'filebuff',
  CALLBACK: 'callback',
};

/** The slave prefix of each mode. */
export const SLAVE_PREFIX: Record<UploadMode, string> = {
  FILE: '_big',
  BUFF: '1024x1024',
  CALLBACK: '-small',
};

/** The metadata fdfs_test and fdfs_appender_test upload with. */
export const TEST_METADATA = [
  { name: 'ext_name', value: 'jpg' },
  { name: 'width', value: '160' },
  { name: 'height', value: '80' },
  { name: 'file_size', value: '115120' },
];

export interface ShownInfo {
  sourceIp: string;
  timestamp: number;
  size: bigint;
  crc32: number;
}

/** fdfs_get_file_info(group, name, get_from_server = true): decoded, or asked on new connections. */
export async function testFileInfo(
  c: ToolClients,
  fileId: string,
  storageIds: readonly StorageIdEntry[] | undefined,
): Promise<ShownInfo> {
  const d = decodeFileId(fileId, storageIds ? { storageIds } : {});
  if (!fileInfoNeedsServer(d)) {
    return {
      sourceIp: d.sourceIpAddr,
      timestamp: d.createTimestamp,
      size: d.fileSize ?? 0n,
      crc32: d.crc32,
    };
  }
  const info = await queryFileInfo(
    { tracker: c.newTrackerClient(), storage: c.newStorageClient() },
    fileId,
  );
  return {
    sourceIp: info.sourceIpAddr,
    timestamp: info.createTimestamp,
    size: info.fileSize,
    crc32: info.crc32,
  };
}

/** source ip / file timestamp / file size [/ file crc32 (%u)] lines. */
export function infoLines(i: ShownInfo, withCrc: boolean): string {
  return (
    `source ip address: ${i.sourceIp}\n` +
    `file timestamp=${formatDateTime(i.timestamp)}\n` +
    `file size=${i.size}\n` +
    (withCrc ? `file crc32=${i.crc32 >>> 0}\n` : '')
  );
}

/** "http://<host>[:port]/<file_id>" with the http.tracker_server_port of client.conf. */
export function fileUrl(host: string, httpPort: number, fileId: string): string {
  return `http://${host}${httpPort === 80 ? '' : `:${httpPort}`}/${fileId}`;
}

/** "name1=value1,name2=value2" → entries; "" → none (fdfs_split_metadata). */
export function parseMetadataList(text: string): { name: string; value: string }[] {
  if (text === '') return [];
  return text.split(',').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0
      ? { name: pair, value: '' }
      : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}
