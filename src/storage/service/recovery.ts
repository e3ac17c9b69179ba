// FETCH_ONE_PATH_BINLOG (26), §6.2 and §8.8: a recovering peer asks for the records of one of
// our store paths; the reply is close-delimited (the connection ends after it, §1.4).
import { dirname } from 'node:path';
import type { ServerReply } from '../../common/server-connection.js';
import { decodeFetchOnePathBinlogRequest } from '../../protocol/messages/recovery.js';
import { invalid } from '../store/errors.js';
import { pathBinlogStream } from '../recovery/path-binlog.js';
import type { StorageServiceContext } from './context.js';
import { checkGroup, type StorageRequest } from './reply.js';

export function fetchOnePathBinlog(req: StorageRequest, ctx: StorageServiceContext): ServerReply {
  const { groupName, storePathIndex } = decodeFetchOnePathBinlogRequest(req.body);
  checkGroup(req, ctx, groupName);
  const { store } = ctx;
  if (storePathIndex >= store.layout.storePathCount) {
    throw invalid(`store path index ${storePathIndex} does not exist`);
  }
  const binlog = store.binlog;
  const stream = pathBinlogStream(
    {
      layout: store.layout,
      fs: store.fs,
      syncDir: dirname(binlog.filePath(0)),
      logger: ctx.logger,
    },
    storePathIndex,
  );
  req.session.sending(stream);
  ctx.logger.info({ peer: req.peer.address, storePathIndex }, 'cmd 26: sending a path binlog');
  return { status: 0, closeDelimited: stream };
}
