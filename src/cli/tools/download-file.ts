#!/usr/bin/env node
// fdfs_download_file <config_file> <file_id> [local_filename] [<download_offset> <download_bytes>]
// (§12): QUERY_FETCH_ONE then DOWNLOAD_FILE into the local file (default: the last part of the
// file id); offset and bytes count only when both are given (0 bytes = to the end). Prints
// nothing on success.
import { downloadFile } from '../../client/operations.js';
import { Errno } from '../../protocol/errno.js';
import { DownloadTarget } from './local-file.js';
import { runTool, step, ToolFailure, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';

const USAGE =
  'Usage: fdfs_download_file <config_file> <file_id> [local_filename] ' +
  '[<download_offset> <download_bytes>]\n';

function byteCount(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new ToolFailure(`invalid ${what}: ${text}`, Errno.EINVAL);
  }
  return n;
}

const downloadFileMain: ToolMain = async (args) => {
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, fileId, localArg, offsetArg, bytesArg] = args as [string, string, ...string[]];
  const local = localArg ?? fileId.slice(fileId.lastIndexOf('/') + 1);
  const range =
    offsetArg !== undefined && bytesArg !== undefined
      ? {
          offset: byteCount(offsetArg, 'download offset'),
          length: byteCount(bytesArg, 'download bytes'),
        }
      : undefined;
  await withClients(conf, (c) =>
    step('download file', async () => {
      const target = new DownloadTarget(local);
      try {
        await downloadFile(c, fileId, target.stream, range);
        await target.finish();
      } catch (err) {
        await target.discard();
        throw err;
      }
    }),
  );
};

runTool(downloadFileMain);
