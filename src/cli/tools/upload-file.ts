#!/usr/bin/env node
// fdfs_upload_file <config_file> <local_filename> [storage_ip:port] [store_path_index] (§12):
// QUERY_STORE_WITHOUT_GROUP_ONE then UPLOAD_FILE, or UPLOAD_FILE straight to the storage given;
// prints the file id.
import { localContent, localFileExt } from './local-file.js';
import { runTool, step, ToolFailure, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';
import { Errno } from '../../protocol/errno.js';
import type { StorageTarget } from '../../client/types.js';

const USAGE =
  'Usage: fdfs_upload_file <config_file> <local_filename> [storage_ip:port] [store_path_index]\n';

/** "ip:port" → a storage target, with the store path index given or -1 (the storage chooses). */
function storageArgument(ipPort: string, pathIndex: string | undefined): StorageTarget {
  const colon = ipPort.lastIndexOf(':');
  const port = Number(ipPort.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ToolFailure(`invalid storage ip address and port: ${ipPort}`, Errno.EINVAL);
  }
  const storePathIndex = pathIndex === undefined ? -1 : Number(pathIndex);
  if (!Number.isInteger(storePathIndex) || storePathIndex < -1 || storePathIndex > 255) {
    throw new ToolFailure(`invalid store path index: ${pathIndex}`, Errno.EINVAL);
  }
  return { groupName: '', host: ipPort.slice(0, colon), port, storePathIndex };
}

const uploadFileMain: ToolMain = async (args, out) => {
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, local, ipPort, pathIndex] = args as [string, string, string?, string?];
  const given = ipPort === undefined ? undefined : storageArgument(ipPort, pathIndex);
  const content = await step('upload file', () => localContent(local));
  const fileId = await withClients(conf, (c) =>
    step('upload file', async () => {
      const target = given ?? (await step('tracker_query_storage', () => c.tracker.queryStore()));
      return c.storage.upload(target, {
        ...content,
        ext: localFileExt(local),
        ...(target.storePathIndex === undefined ? {} : { storePathIndex: target.storePathIndex }),
      });
    }),
  );
  out.write(`${fileId}\n`);
};

runTool(uploadFileMain);
