#!/usr/bin/env node
// fdfs_crc32 <filename> (§12): the standard CRC-32 of the file, `%x` (no leading zeros). No
// network.
import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import { errnoMessage } from '../../protocol/errno.js';
import { errnoOf, runTool, ToolFailure, UsageFailure, type ToolMain } from './tool-runner.js';

const USAGE = 'Usage: fdfs_crc32 <filename>\n';

/** CRC-32 of a file, read as a stream. */
export async function fileCrc32(path: string): Promise<number> {
  let crc = 0;
  for await (const chunk of createReadStream(path)) crc = crc32(chunk as Buffer, crc);
  return crc >>> 0;
}

const crc32Main: ToolMain = async (args, out) => {
  if (args.length < 1) throw new UsageFailure(USAGE);
  const path = args[0]!;
  let crc: number;
  try {
    crc = await fileCrc32(path);
  } catch (err) {
    const errno = errnoOf(err);
    throw new ToolFailure(
      `open file ${path} fail, errno: ${errno}, error info: ${errnoMessage(errno)}`,
      errno,
      { cause: err },
    );
  }
  out.write(`${crc.toString(16)}\n`);
};

runTool(crc32Main);
