#!/usr/bin/env node
// fdfs_file_info [-s] [-n] <config_file> <file_id> (§12, §7.8): decodes the file id, and asks the
// storage (QUERY_FETCH_ONE, QUERY_FILE_INFO) only for appender and slave files and for server ids
// without a known address. -s: the storage does not log a missing file; -n: no CRC32 for
// appender/slave files.
import { queryFileInfo } from '../../client/operations.js';
import { decodeFileId, fileInfoNeedsServer } from '../../protocol/file-id/index.js';
import { crcSignedHex, formatDateTime } from './c-format.js';
import { loadTrackerStorageIds } from './tracker-parameters.js';
import { readStorageIds, withClients } from './tool-client.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';

const USAGE = 'Usage: fdfs_file_info [-s] [-n] <config_file> <file_id>\n';

interface Shown {
  fromServer: boolean;
  kind: string;
  sourceId: string;
  sourceIp: string;
  timestamp: number;
  size: bigint;
  crc32: number;
}

function render(s: Shown, noCrc: boolean): string {
  const lines = [
    `GET FROM SERVER: ${s.fromServer}`,
    '',
    `file type: ${s.kind}`,
    `source storage id: ${s.sourceId}`,
    `source ip address: ${s.sourceIp}`,
    `file create timestamp: ${formatDateTime(s.timestamp)}`,
    `file size: ${s.size}`,
  ];
  if (!(noCrc && s.crc32 === 0)) lines.push(`file crc32: ${crcSignedHex(s.crc32)}`);
  return `${lines.join('\n')}\n\n`;
}

const fileInfoMain: ToolMain = async (args, out) => {
  const flags = { silent: false, noCrc: false };
  const rest: string[] = [];
  for (const a of args) {
    if (a === '-s') flags.silent = true;
    else if (a === '-n') flags.noCrc = true;
    else rest.push(a);
  }
  if (rest.length < 2) throw new UsageFailure(USAGE);
  const [conf, fileId] = rest as [string, string];
  const text = await withClients(conf, (c) =>
    step('query file info', async () => {
      const storageIds = c.config.loadFdfsParametersFromTracker
        ? await loadTrackerStorageIds(c.tracker)
        : await readStorageIds(c.config);
      const decoded = decodeFileId(fileId, storageIds ? { storageIds } : {});
      const kind = decoded.kind === 'trunk' ? 'normal' : decoded.kind;
      if (!fileInfoNeedsServer(decoded)) {
        return render(
          {
            fromServer: false,
            kind,
            sourceId: decoded.sourceId,
            sourceIp: decoded.sourceIpAddr,
            timestamp: decoded.createTimestamp,
            size: decoded.fileSize ?? 0n,
            crc32: decoded.crc32,
          },
          flags.noCrc,
        );
      }
      const info = await queryFileInfo(c, fileId, flags);
      return render(
        {
          fromServer: true,
          kind,
          sourceId: decoded.sourceId,
          sourceIp: info.sourceIpAddr,
          timestamp: info.createTimestamp,
          size: info.fileSize,
          crc32: info.crc32,
        },
        flags.noCrc,
      );
    }),
  );
  out.write(text);
};

runTool(fileInfoMain);
