#!/usr/bin/env node
// fdfs_regenerate_filename <config_file> <appender_file_id> (§12): QUERY_UPDATE then
// REGENERATE_APPENDER_FILENAME; prints the new (normal) file id.
import { regenerateAppenderFile } from '../../client/operations.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';

const USAGE = 'Usage: fdfs_regenerate_filename <config_file> <appender_file_id>\n';

const regenerateFilenameMain: ToolMain = async (args, out) => {
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, fileId] = args as [string, string];
  const newId = await withClients(conf, (c) =>
    step('regenerate file name', () => regenerateAppenderFile(c, fileId)),
  );
  out.write(`${newId}\n`);
};

runTool(regenerateFilenameMain);
