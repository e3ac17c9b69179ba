// Client queries (§5.1): where to upload (101/104/106/107), download (102, 105) or update (103).
// The reply layouts follow the dialect: IP size S, and the 105 form of wire_compat (§14.6).
import type { ServerReply } from '../../common/server-connection.js';
import { TrackerCommand } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { FdfsError } from '../../protocol/errors.js';
import { decodeFileId } from '../../protocol/file-id/file-id.js';
import { encodeFetchAllReply } from '../../protocol/messages/fetch-all.js';
import {
  decodeQueryFileRequest,
  decodeQueryStoreRequest,
  encodeFetchOneReply,
  encodeStoreAllReply,
  encodeStoreOneReply,
} from '../../protocol/messages/query.js';
import { fail, type FileSource } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { failed, replyWith, type TrackerRequest } from './reply.js';

const C = TrackerCommand;
const ALL = new Set<number>([
  C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL,
  C.SERVICE_QUERY_STORE_WITH_GROUP_ALL,
]);

/** 101, 104, 106, 107 (§9.5). */
export function queryStore(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const cmd = req.header.cmd;
  const { groupName } = decodeQueryStoreRequest(cmd, req.body);
  const all = ALL.has(cmd);
  const query = {
    all,
    requesterIp: req.peer.address,
    ...(groupName === undefined ? {} : { groupName }),
  };
  const ipSize = ctx.dialect.ipSize;
  return replyWith(req, ctx, ctx.state.queryStore(query, ctx.now()), (t) => {
    if (all) {
      return encodeStoreAllReply(
        { groupName: t.groupName, servers: t.storages, storePathIndex: t.storePathIndex },
        ipSize,
      );
    }
    const first = t.storages[0]!;
    return encodeStoreOneReply(
      { groupName: t.groupName, ip: first.ip, port: first.port, storePathIndex: t.storePathIndex },
      ipSize,
    );
  });
}

/** What the tracker reads from a file name (§7.8): its source, creation time and kind. */
function fileSource(ctx: TrackerContext, groupName: string, filename: string): FileSource {
  const decoded = decodeFileId(`${groupName}/${filename}`, { storageIds: ctx.storageIds });
  return {
    source: decoded.sourceId !== '0' ? decoded.sourceId : decoded.sourceIpAddr,
    timestamp: decoded.createTimestamp,
    kind: decoded.kind === 'appender' || decoded.kind === 'slave' ? decoded.kind : 'normal',
  };
}

/** The group and file of 102/103/105, or the error reply: a name that does not decode is
 * EINVAL, unless the group is unknown, which is ENOENT whatever the name (§5.1). */
function fileQuery(
  req: TrackerRequest,
  ctx: TrackerContext,
): { groupName: string; file: FileSource } | ServerReply {
  const { groupName, filename } = decodeQueryFileRequest(req.body, req.header.cmd);
  try {
    return { groupName, file: fileSource(ctx, groupName, filename) };
  } catch (err) {
    if (err instanceof FdfsError && ctx.state.group(groupName) === undefined) {
      return failed(req, ctx, fail(Errno.ENOENT, `group ${groupName} not found`));
    }
    throw err;
  }
}

/** 102 and 103 (§9.7). */
export function queryFetchOrUpdate(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const query = fileQuery(req, ctx);
  if (!('file' in query)) return query;
  const { groupName, file } = query;
  const outcome =
    req.header.cmd === C.SERVICE_QUERY_UPDATE
      ? ctx.state.queryUpdate(groupName, file, ctx.now(), req.peer.address)
      : ctx.state.queryFetch(groupName, file, ctx.now(), req.peer.address);
  return replyWith(req, ctx, outcome, (s) =>
    encodeFetchOneReply({ groupName, ip: s.ip, port: s.port }, ctx.dialect.ipSize),
  );
}

/** 105: every storage that has the file, in the 6.16 or the older form (§14.6, §16 #21). */
export function queryFetchAll(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const query = fileQuery(req, ctx);
  if (!('file' in query)) return query;
  const { groupName, file } = query;
  const outcome = ctx.state.queryFetchAll(groupName, file, ctx.now(), req.peer.address);
  return replyWith(req, ctx, outcome, (servers) =>
    encodeFetchAllReply({ groupName, servers }, ctx.dialect.ipSize, ctx.dialect.fetchAllForm),
  );
}
