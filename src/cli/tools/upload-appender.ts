#!/usr/bin/env node
// fdfs_upload_appender <config_file> <local_filename> (§12): QUERY_STORE then
// UPLOAD_APPENDER_FILE; prints the appender file id.
import { localContent, localFileExt } from './local-file.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';

const USAGE = 'Usage: fdfs_upload_appender <config_file> <local_filename>\n';

const uploadAppenderMain: ToolMain = async (args, out) => {
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, local] = args as [string, string];
  const content = await step('upload file', () => localContent(local));
  const fileId = await withClients(conf, (c) =>
    step('upload file', async () => {
      const target = await step('tracker_query_storage', () => c.tracker.queryStore());
      return c.storage.upload(target, {
        ...content,
        ext: localFileExt(local),
        appender: true,
        ...(target.storePathIndex === undefined ? {} : { storePathIndex: target.storePathIndex }),
      });
    }),
  );
  out.write(`${fileId}\n`);
};

runTool(uploadAppenderMain);
