#!/usr/bin/env node
// fdfs_append_file <config_file> <appender_file_id> <local_filename> (§12): QUERY_UPDATE then
// APPEND_FILE; prints nothing on success.
import { appendFile } from '../../client/operations.js';
import { localContent } from './local-file.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';

const USAGE = 'Usage: fdfs_append_file <config_file> <appender_file_id> <local_filename>\n';

const appendFileMain: ToolMain = async (args) => {
  if (args.length < 3) throw new UsageFailure(USAGE);
  const [conf, fileId, local] = args as [string, string, string];
  const content = await step('append file', () => localContent(local));
  await withClients(conf, (c) => step('append file', () => appendFile(c, fileId, content)));
};

runTool(appendFileMain);
