// fdfs_test and fdfs_test1 (§12): one operation against the cluster, printing what the C test
// programs print. fdfs_test names files by group + remote name, fdfs_test1 by file id; fdfs_test1
// lists the upload servers with QUERY_STORE_WITH_GROUP_ALL for "group1" and prints no
// group_name/remote_filename line.
import { localContent, localFileExt, DownloadTarget } from './local-file.js';
import { readStorageIds, withClients, type ToolClients } from './tool-client.js';
import { step, UsageFailure, type ToolMain, type ToolOutput } from './tool-runner.js';
import {
  BANNER,
  fileUrl,
  infoLines,
  MODE_SUFFIX,
  parseMetadataList,
  SLAVE_PREFIX,
  TEST_METADATA,
  testFileInfo,
  uploadMode,
} from './test-common.js';
import { isMetadataOpFlag } from '../../protocol/metadata.js';
import { Errno } from '../../protocol/errno.js';
import { ToolFailure } from './tool-runner.js';

export type TestVariant = 'fdfs_test' | 'fdfs_test1';

function usage(variant: TestVariant): string {
  return (
    `Usage: ${variant} <config_file> <operation>\n` +
    '\toperation: upload, download, getmeta, setmeta, delete and query_servers\n'
  );
}

async function upload(
  c: ToolClients,
  variant: TestVariant,
  args: string[],
  out: ToolOutput,
): Promise<void> {
  const [local, modeArg] = args as [string, string?];
  const mode = uploadMode(modeArg);
  const storageIds = await readStorageIds(c.config);
  const content = await step('upload file', () => localContent(local));
  const ext = localFileExt(local);
  const all =
    variant === 'fdfs_test'
      ? await step('tracker_query_storage_store_list_without_group', () =>
          c.tracker.queryStoreAll(),
        )
      : await step('tracker_query_storage_store_list_with_group', () =>
          c.tracker.queryStoreAll('group1'),
        );
  out.write(
    variant === 'fdfs_test'
      ? 'tracker_query_storage_store_list_without_group: \n'
      : 'tracker_query_storage_store_list_with_group: \n',
  );
  all.forEach((s, i) => {
    const group = variant === 'fdfs_test' ? '' : s.groupName;
    out.write(`\tserver ${i + 1}. group_name=${group}, ip_addr=${s.host}, port=${s.port}\n`);
  });
  out.write('\n');
  const target = await step('tracker_query_storage', () => c.tracker.queryStore());
  out.write(`group_name=${target.groupName}, ip_addr=${target.host}, port=${target.port}\n`);
  const fileId = await step('upload file', async () => {
    const id = await c.storage.upload(target, {
      ...content,
      ext,
      ...(target.storePathIndex === undefined ? {} : { storePathIndex: target.storePathIndex }),
    });
    await c.storage.setMetadata(target, id, TEST_METADATA, 'O');
    return id;
  });
  out.write(`storage_upload_by_${MODE_SUFFIX[mode]}\n`);
  const block = async (id: string): Promise<void> => {
    const slash = id.indexOf('/');
    if (variant === 'fdfs_test') {
      out.write(`group_name=${id.slice(0, slash)}, remote_filename=${id.slice(slash + 1)}\n`);
    }
    const info = await step('query file info', () => testFileInfo(c, id, storageIds));
    out.write(infoLines(info, true));
    out.write(`example file url: ${fileUrl(target.host, c.config.httpTrackerServerPort, id)}\n`);
  };
  await block(fileId);
  const slaveId = await step('upload slave file', async () => {
    const where = await c.tracker.queryUpdate(fileId);
    const slaveStorage = c.newStorageClient();
    const content2 = await localContent(local);
    const id = await slaveStorage.uploadSlave(where, {
      masterFileId: fileId,
      prefix: SLAVE_PREFIX[mode],
      ext,
      ...content2,
    });
    await slaveStorage.setMetadata(where, id, TEST_METADATA, 'O');
    return id;
  });
  out.write(`storage_upload_slave_by_${MODE_SUFFIX[mode]}\n`);
  await block(slaveId);
  await c.storage.activeTest(target).catch(() => undefined);
}

/** The file an operation names: "<group> <remote>" (fdfs_test) or "<file_id>" (fdfs_test1). */
function fileArgs(variant: TestVariant, args: string[], min: number): [string, string[]] {
  if (variant === 'fdfs_test') {
    if (args.length < min + 1) throw new UsageFailure(usage(variant));
    return [`${args[0]}/${args[1]}`, args.slice(2)];
  }
  if (args.length < min) throw new UsageFailure(usage(variant));
  return [args[0]!, args.slice(1)];
}

async function operation(
  c: ToolClients,
  variant: TestVariant,
  op: string,
  args: string[],
  out: ToolOutput,
): Promise<void> {
  if (op === 'upload') {
    if (args.length < 1) throw new UsageFailure(usage(variant));
    return upload(c, variant, args, out);
  }
  if (op === 'query_servers') {
    const [fileId] = fileArgs(variant, args, 1);
    const servers = await step('query servers', () => c.tracker.queryFetchAll(fileId));
    out.write(`server list (${servers.length}):\n`);
    for (const s of servers) out.write(`\t${s.host}:${s.port}\n`);
    out.write('\n');
    return;
  }
  const [fileId, rest] = fileArgs(variant, args, op === 'setmeta' ? 3 : 1);
  const query = op === 'download' ? c.tracker.queryFetch(fileId) : c.tracker.queryUpdate(fileId);
  const where = await step(
    `tracker_query_storage_${op === 'download' ? 'fetch' : 'update'}`,
    () => query,
  );
  out.write(`storage=${where.host}:${where.port}\n`);
  if (op === 'download') {
    const local = rest[0] ?? fileId.slice(fileId.lastIndexOf('/') + 1);
    const target = new DownloadTarget(local);
    const size = await step('download file', async () => {
      try {
        const n = await c.storage.download(where, fileId, undefined, target.stream);
        await target.finish();
        return n;
      } catch (err) {
        await target.discard();
        throw err;
      }
    });
    out.write(`download file success, file size=${size}, file save to ${local}\n`);
  } else if (op === 'getmeta') {
    const list = await step('get meta data', () => c.storage.getMetadata(where, fileId));
    out.write(`get meta data success, meta count=${list.length}\n`);
    for (const m of list) out.write(`${m.name}=${m.value}\n`);
  } else if (op === 'setmeta') {
    const [flag, list] = rest as [string, string?];
    if (!isMetadataOpFlag(flag)) throw new ToolFailure(`invalid op_flag: ${flag}`, Errno.EINVAL);
    await step('set meta data', () =>
      c.storage.setMetadata(where, fileId, parseMetadataList(list ?? ''), flag),
    );
    out.write('set meta data success\n');
  } else if (op === 'delete') {
    await step('delete file', () => c.storage.deleteFile(where, fileId));
    out.write('delete file success\n');
  } else {
    throw new UsageFailure(usage(variant));
  }
}

export function testMain(variant: TestVariant): ToolMain {
  return async (args, out) => {
    out.write(BANNER);
    if (args.length < 2) throw new UsageFailure(usage(variant));
    const [conf, op, ...rest] = args as [string, string, ...string[]];
    await withClients(conf, async (c) => {
      await operation(c, variant, op, rest, out);
      await c.tracker.activeTest().catch(() => undefined);
    });
  };
}
