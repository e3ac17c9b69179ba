#!/usr/bin/env node
// fdfs_appender_test <config_file> <local_filename> [FILE|BUFF|CALLBACK] (§12): QUERY_STORE, then
// on one storage connection UPLOAD_APPENDER_FILE (+ SET_METADATA), TRUNCATE_FILE to half the
// size, APPEND_FILE and MODIFY_FILE at the current size with the same local file
// (storage-23-appender-test-session.json); the file info after each step comes from
// QUERY_FILE_INFO on new connections.
import { localContent, localFileExt } from './local-file.js';
import { readStorageIds, withClients } from './tool-client.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';
import {
  BANNER,
  fileUrl,
  infoLines,
  MODE_SUFFIX,
  TEST_METADATA,
  testFileInfo,
  uploadMode,
} from './test-common.js';

const USAGE = 'Usage: fdfs_appender_test <config_file> <local_filename> [FILE | BUFF | CALLBACK]\n';

const appenderTestMain: ToolMain = async (args, out) => {
  out.write(BANNER);
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, local, modeArg] = args as [string, string, string?];
  const mode = MODE_SUFFIX[uploadMode(modeArg)];
  await withClients(conf, async (c) => {
    const storageIds = await readStorageIds(c.config);
    const target = await step('tracker_query_storage', () => c.tracker.queryStore());
    out.write(`group_name=${target.groupName}, ip_addr=${target.host}, port=${target.port}\n`);
    const first = await step('upload file', () => localContent(local));
    const fileId = await step('upload file', async () => {
      const id = await c.storage.upload(target, {
        ...first,
        ext: localFileExt(local),
        appender: true,
        ...(target.storePathIndex === undefined ? {} : { storePathIndex: target.storePathIndex }),
      });
      await c.storage.setMetadata(target, id, TEST_METADATA, 'O');
      return id;
    });
    out.write(`storage_upload_appender_by_${mode}\n`);
    const slash = fileId.indexOf('/');
    out.write(`group_name=${fileId.slice(0, slash)}, remote_filename=${fileId.slice(slash + 1)}\n`);
    const trackerHost = c.config.trackerServers[0]!.hosts[0]!;
    const url = fileUrl(trackerHost, c.config.httpTrackerServerPort, fileId);
    const info = (): ReturnType<typeof testFileInfo> =>
      step('query file info', () => testFileInfo(c, fileId, storageIds));
    out.write(`${infoLines(await info(), true)}file url: ${url}\n`);

    await step('truncate file', () =>
      c.storage.truncate(target, fileId, Math.floor(first.size / 2)),
    );
    out.write(`${infoLines(await info(), true)}file url: ${url}\n`);

    await step('append file', async () =>
      c.storage.append(target, fileId, await localContent(local)),
    );
    out.write(`storage_append_by_${mode}\nappend file successfully.\n`);
    const appended = await info();
    out.write(infoLines(appended, false));

    await step('modify file', async () =>
      c.storage.modify(target, fileId, {
        offset: Number(appended.size),
        ...(await localContent(local)),
      }),
    );
    out.write(`storage_modify_by_${mode}\nmodify file successfully.\n`);
    out.write(infoLines(await info(), false));
  });
};

runTool(appenderTestMain);
