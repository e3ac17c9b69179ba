// The shape of a command handler and the few helpers every handler uses: a state failure becomes
// its errno in the reply status (§2) with the reason in the debug log, and the connection stays.
import type { ServerReply, ServerRequest } from '../../common/server-connection.js';
import { commandName } from '../../protocol/commands.js';
import { expectBody } from '../../protocol/messages/tracker-fields.js';
import type { Failure, Outcome } from '../state/index.js';
import type { TrackerContext } from './context.js';
import type { TrackerSession } from './session.js';

export type TrackerRequest = ServerRequest<TrackerSession>;

/** Decode → state → encode. A thrown FdfsError (bad body) becomes its errno (EINVAL). */
export type Handler = (
  req: TrackerRequest,
  ctx: TrackerContext,
) => ServerReply | Promise<ServerReply>;

export const OK: ServerReply = Object.freeze({ status: 0 });

export function failed(req: TrackerRequest, ctx: TrackerContext, f: Failure): ServerReply {
  ctx.logger.debug(
    { peer: req.peer.address, cmd: commandName(req.header.cmd, 'tracker'), errno: f.errno },
    f.reason,
  );
  return { status: f.errno };
}

/** The outcome's value encoded as the reply body, or its errno. */
export function replyWith<T>(
  req: TrackerRequest,
  ctx: TrackerContext,
  outcome: Outcome<T>,
  encode: (value: T) => Buffer | readonly Buffer[],
): ServerReply {
  return outcome.ok ? { status: 0, body: encode(outcome.value) } : failed(req, ctx, outcome);
}

/** An empty reply, or the outcome's errno. */
export function replyEmpty(
  req: TrackerRequest,
  ctx: TrackerContext,
  outcome: Outcome<unknown>,
): ServerReply {
  return outcome.ok ? OK : failed(req, ctx, outcome);
}

/** Commands whose request has no body: anything else is EINVAL. */
export function expectEmpty(req: TrackerRequest): void {
  expectBody(req.header.cmd, req.body, 0);
}
