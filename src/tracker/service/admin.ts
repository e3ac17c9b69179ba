// Administration and monitoring (§5.2): LIST_ONE_GROUP (90), LIST_ALL_GROUPS (91), LIST_STORAGE
// (92), DELETE_STORAGE (93), DELETE_GROUP (108), STORAGE_CLUSTER_STAT (97) and VOLUMN_STAT (98).
// Group stats and storage records take the layout of wire_compat (113/105, 487/517/612).
import type { ServerReply } from '../../common/server-connection.js';
import { TrackerCommand } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import {
  decodeGroupRequest,
  decodeGroupStorageRequest,
} from '../../protocol/messages/tracker-admin.js';
import { formatIpPort } from '../../protocol/messages/tracker-fields.js';
import {
  encodeGroupStat,
  encodeGroupStatList,
  GROUP_STAT_SIZES,
} from '../../protocol/structs/group-stat.js';
import {
  decodeStorageStatFilter,
  encodeStorageClusterStatReply,
} from '../../protocol/structs/storage-cluster-stat.js';
import { encodeStorageStatList } from '../../protocol/structs/storage-stat-record.js';
import {
  decodeVolumnStatFilter,
  encodeVolumnStatReply,
} from '../../protocol/structs/volumn-stat.js';
import { fail, type StorageStat, type VolumeStat } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, replyEmpty, replyWith, type TrackerRequest } from './reply.js';
import { wireGroupStat, wireStorageStat } from './stat-records.js';

const C = TrackerCommand;

export function listOneGroup(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const groupName = decodeGroupRequest(C.SERVER_LIST_ONE_GROUP, req.body);
  return replyWith(req, ctx, ctx.state.listGroup(groupName), (g) =>
    encodeGroupStat(wireGroupStat(g), { layout: ctx.dialect.groupStatLayout }),
  );
}

/** 91: ENOSPC when the list would not fit the tracker's buffer (§5.2). */
export function listAllGroups(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const groups = ctx.state.listGroups();
  const layout = ctx.dialect.groupStatLayout;
  if (groups.length * GROUP_STAT_SIZES[layout] > ctx.config.maxPacketSize) {
    return failed(req, ctx, fail(Errno.ENOSPC, `${groups.length} groups exceed the buffer`));
  }
  return { status: 0, body: encodeGroupStatList(groups.map(wireGroupStat), { layout }) };
}

export function listStorage(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, storageId } = decodeGroupStorageRequest(C.SERVER_LIST_STORAGE, req.body);
  const outcome = ctx.state.listStorages(groupName, storageId, req.peer.address);
  return replyWith(req, ctx, outcome, (list) =>
    encodeStorageStatList(list.map(wireStorageStat), { layout: ctx.dialect.storageStatLayout }),
  );
}

export function deleteStorage(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, storageId } = decodeGroupStorageRequest(C.SERVER_DELETE_STORAGE, req.body);
  return replyEmpty(req, ctx, ctx.state.deleteStorage(groupName, storageId!, ctx.now()));
}

/** 108: succeeds as soon as every member is deleted (§16 #9). */
export function deleteGroup(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const groupName = decodeGroupRequest(C.SERVER_DELETE_GROUP, req.body);
  return replyEmpty(req, ctx, ctx.state.deleteGroup(groupName));
}

const OP_EQUAL = 0x3d; // '='
const OP_NOT_EQUAL = 0x21; // '!'

/** 97: every storage of every group, filtered by status (flag 2); flag 1 needs trunk, which is off. */
export function storageClusterStat(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const filter = decodeStorageStatFilter(req.body);
  const keep = (s: StorageStat): boolean => {
    if ((filter.filterBy & 2) === 0) return true;
    if (filter.opType === OP_EQUAL) return s.status === filter.status;
    if (filter.opType === OP_NOT_EQUAL) return s.status !== filter.status;
    return false;
  };
  const storages = ctx.state
    .listAllStorages(req.peer.address)
    .filter(keep)
    .map((s) => ({
      id: s.id,
      host: formatIpPort(s.ip, s.port),
      isTrunkServer: s.isTrunkServer ? 1 : 0,
      status: s.status,
      ...s.connection,
      version: s.version,
      upTime: s.upTime,
      lastHeartbeatTime: s.lastHeartBeatTime,
    }));
  const body = encodeStorageClusterStatReply({
    useStorageId: ctx.policy.useStorageId ? 1 : 0,
    useTrunkFile: 0,
    storages,
  });
  return { status: 0, body };
}

/** 98: one record per group; flags 1 (disk available) and 4 (space available); 2 needs trunk. */
export function volumnStat(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const filter = decodeVolumnStatFilter(req.body);
  const keep = (v: VolumeStat): boolean => {
    const space = v.diskAvailable || v.trunkAvailable;
    if (filter.filterBy & 1 && Number(v.diskAvailable) !== filter.isDiskAvailable) return false;
    if (filter.filterBy & 4 && Number(space) !== filter.isSpaceAvailable) return false;
    return true;
  };
  const groups = ctx.state
    .volumeStats()
    .filter(keep)
    .map((v) => ({
      groupName: v.groupName,
      totalMb: v.totalMb,
      freeMb: v.freeMb,
      reservedMb: v.reservedMb,
      availMb: v.availMb,
      trunkFreeMb: v.trunkFreeMb,
      isDiskAvailable: v.diskAvailable ? 1 : 0,
      isTrunkAvailable: v.trunkAvailable ? 1 : 0,
    }));
  return { status: 0, body: encodeVolumnStatReply({ useTrunkFile: 0, groups }) };
}
