#!/usr/bin/env node
// fdfs_storage_stat [-c conf] [-A] [-N] [-d] [-T] [-t] (§12): STORAGE_CLUSTER_STAT (97), one line
// per storage (+ details with -d); nothing at all when the list is empty.
import { TrackerCommand } from '../../protocol/commands.js';
import { StorageStatus, storageStatusCaption } from '../../protocol/status.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';
import {
  decodeStorageClusterStatReply,
  encodeStorageStatFilter,
} from '../../protocol/structs/index.js';
import { formatDateTime } from './c-format.js';
import { parseStatArgs } from './stat-args.js';
import { withClients } from './tool-client.js';
import { runTool, step, type ToolMain } from './tool-runner.js';

const USAGE =
  'Usage: fdfs_storage_stat [-c <config_file>] [-A] [-N] [-d] [-T] [-t]\n' +
  '\t-A: active storages only, -N: not active storages only\n' +
  '\t-T: trunk servers only, -t: not trunk servers only, -d: details\n';

const storageStatMain: ToolMain = async (args, out) => {
  const { conf, flags } = parseStatArgs(args, 'ANdTt', USAGE);
  let filterBy = 0;
  let opType = 0;
  let isTrunkServer = 0;
  if (flags.has('A') || flags.has('N')) {
    filterBy |= 2;
    opType = (flags.has('A') ? '=' : '!').charCodeAt(0);
  }
  if (flags.has('T') || flags.has('t')) {
    filterBy |= 1;
    isTrunkServer = flags.has('T') ? 1 : 0;
  }
  const body = encodeStorageStatFilter({
    filterBy,
    opType,
    status: filterBy & 2 ? StorageStatus.ACTIVE : 0,
    isTrunkServer,
  });
  const reply = await withClients(conf, (c) =>
    step('storage cluster stat', () =>
      c.tracker.use(async (conn) => {
        const r = await conn.request({
          cmd: TrackerCommand.SERVER_STORAGE_CLUSTER_STAT,
          body,
          reply: { kind: 'whole', maxLength: DEFAULT_SHAPE_LIMITS.maxReplySize },
        });
        return decodeStorageClusterStatReply(r.body);
      }),
    ),
  );
  if (reply.storages.length === 0) return;
  let text = '\n';
  for (const s of reply.storages) {
    text +=
      `${reply.useStorageId ? `${s.id} ` : ''}${s.host} ${storageStatusCaption(s.status)}, ` +
      `${reply.useTrunkFile ? `is_trunk_server: ${s.isTrunkServer}, ` : ''}` +
      `connections {alloc: ${s.allocCount}, current: ${s.currentCount}, max: ${s.maxCount}}\n`;
    if (flags.has('d')) {
      text +=
        `  version: ${s.version}, up_time: ${formatDateTime(s.upTime)}, ` +
        `last_heartbeat_time: ${formatDateTime(s.lastHeartbeatTime)}\n\n`;
    }
  }
  text += `\nstorage server count: ${reply.storages.length}\n\n`;
  out.write(text);
};

runTool(storageStatMain);
