#!/usr/bin/env node
// fdfs_delete_file <config_file> <file_id> (§12): QUERY_UPDATE then DELETE_FILE; prints nothing
// on success.
import { deleteFile } from '../../client/operations.js';
import { runTool, step, UsageFailure, type ToolMain } from './tool-runner.js';
import { withClients } from './tool-client.js';

const USAGE = 'Usage: fdfs_delete_file <config_file> <file_id>\n';

const deleteFileMain: ToolMain = async (args) => {
  if (args.length < 2) throw new UsageFailure(USAGE);
  const [conf, fileId] = args as [string, string];
  await withClients(conf, (c) => step('delete file', () => deleteFile(c, fileId)));
};

runTool(deleteFileMain);
