// `fdfs upload|download|delete|append|modify|truncate`: files in and out, through FastDfsClient.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import type { FastDfsClient } from '../../client/fastdfs-client.js';
import { openFileStream } from '../../client/fastdfs-client-source.js';
import {
  addClientOptions,
  badInput,
  parseCount,
  parseMetaPairs,
  printJson,
  withClient,
  type ClientFlags,
} from './client-context.js';
import { meteredSink, meteredSource } from './progress.js';

interface UploadFlags extends ClientFlags {
  ext?: string;
  group?: string;
  meta: string[];
  appender?: boolean;
  master?: string;
  prefix?: string;
}

/** A local file as a metered stream with its size (a bar on a terminal for big files). */
async function localFile(path: string, label: string) {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw badInput(`cannot read ${path}: ${err.code ?? err.message}`);
  });
  if (!info.isFile()) throw badInput(`${path} is not a regular file`);
  const metered = meteredSource(createReadStream(path), info.size, label);
  return { ...metered, size: info.size };
}

/** The extension of a local file name as FastDFS takes it (after the last dot, ≤ 6 chars). */
function extOf(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot - 1 <= 6 ? name.slice(dot + 1) : '';
}

async function upload(client: FastDfsClient, path: string, flags: UploadFlags): Promise<void> {
  const file = await localFile(path, 'upload');
  const ext = flags.ext ?? extOf(path);
  const metadata = parseMetaPairs(flags.meta);
  const withMeta = Object.keys(metadata).length > 0 ? { metadata } : {};
  let fileId: string;
  try {
    if (flags.master !== undefined) {
      if (!flags.prefix) throw badInput('--master needs --prefix (e.g. _150x150)');
      fileId = await client.uploadSlave(flags.master, flags.prefix, file.stream, {
        size: file.size,
        ext,
        ...withMeta,
      });
    } else {
      const options = {
        size: file.size,
        ext,
        ...(flags.group === undefined ? {} : { group: flags.group }),
        ...withMeta,
      };
      fileId = flags.appender
        ? await client.uploadAppender(file.stream, options)
        : await client.upload(file.stream, options);
    }
  } finally {
    file.stop();
    file.stream.destroy();
  }
  if (flags.json) printJson({ fileId, size: file.size, source: path });
  else process.stdout.write(`${fileId}\n`);
}

async function download(
  client: FastDfsClient,
  fileId: string,
  dest: string | undefined,
  flags: ClientFlags & { offset?: string; length?: string },
): Promise<void> {
  const offset = flags.offset === undefined ? 0 : parseCount(flags.offset, 'offset');
  const length = flags.length === undefined ? 0 : parseCount(flags.length, 'length');
  const toStdout = dest === '-';
  const path = await destinationPath(dest ?? basename(fileId), fileId);
  const sink: Writable = toStdout ? process.stdout : await openFileStream(path);
  // A bar needs the size: asked only when there is a terminal to draw it on.
  const size = process.stderr.isTTY && !toStdout ? await sizeOf(client, fileId, length) : 0;
  const metered = meteredSink(sink, size, 'download');
  let ok = false;
  try {
    await client.downloadTo(fileId, metered.stream, { offset, length });
    ok = true;
  } finally {
    metered.stop();
    if (metered.stream !== sink) metered.stream.end();
    if (!toStdout) {
      if (ok) {
        sink.end();
        await finished(sink);
      } else {
        // Leave no empty or partial file behind a failed download.
        sink.destroy();
        await rm(path, { force: true });
      }
    }
  }
}

/** A folder as the destination means the file's own name in it. */
async function destinationPath(dest: string, fileId: string): Promise<string> {
  const info = await stat(dest).catch(() => undefined);
  return info?.isDirectory() ? join(dest, basename(fileId)) : dest;
}

async function sizeOf(client: FastDfsClient, fileId: string, length: number): Promise<number> {
  if (length > 0) return length;
  const info = await client.fileInfo(fileId).catch(() => undefined);
  return info === undefined ? 0 : Number(info.fileSize);
}

export function registerTransferCommands(program: Command): void {
  addClientOptions(
    program
      .command('upload <file>')
      .description('upload a local file; prints its file id')
      .option('--ext <ext>', 'extension to give it (default: the local file’s)')
      .option('-g, --group <group>', 'upload into this group')
      .option(
        '-m, --meta <name=value>',
        'metadata (repeatable)',
        (v: string, p: string[]) => [...p, v],
        [],
      )
      .option('--appender', 'an appender file (append, modify, truncate work on it)')
      .option('--master <fileId>', 'upload a slave of this file (with --prefix)')
      .option('--prefix <prefix>', 'the slave’s prefix, e.g. _150x150'),
    true,
  ).action((file: string, flags: UploadFlags) =>
    withClient('upload', flags, (c) => upload(c, file, flags)),
  );

  addClientOptions(
    program
      .command('download <fileId> [dest]')
      .description('download to dest (default: the file’s name here; "-" for stdout)')
      .option('--offset <bytes>', 'first byte')
      .option('--length <bytes>', 'bytes to read (default: to the end)'),
  ).action((fileId: string, dest: string | undefined, flags: ClientFlags) =>
    withClient('download', flags, (c) => download(c, fileId, dest, flags)),
  );

  addClientOptions(program.command('delete <fileId...>').description('delete files')).action(
    (ids: string[], flags: ClientFlags) =>
      withClient('delete', flags, async (c) => {
        for (const id of ids) await c.delete(id);
      }),
  );

  addClientOptions(
    program
      .command('append <appenderId> <file>')
      .description('append a local file to an appender file'),
  ).action((id: string, file: string, flags: ClientFlags) =>
    withClient('append', flags, async (c) => {
      const f = await localFile(file, 'append');
      try {
        await c.append(id, f.stream, { size: f.size });
      } finally {
        f.stop();
        f.stream.destroy();
      }
    }),
  );

  addClientOptions(
    program
      .command('modify <appenderId> <offset> <file>')
      .description('overwrite an appender file from offset with a local file'),
  ).action((id: string, offset: string, file: string, flags: ClientFlags) =>
    withClient('modify', flags, async (c) => {
      const at = parseCount(offset, 'offset');
      const f = await localFile(file, 'modify');
      try {
        await c.modify(id, at, f.stream, { size: f.size });
      } finally {
        f.stop();
        f.stream.destroy();
      }
    }),
  );

  addClientOptions(
    program
      .command('truncate <appenderId> [size]')
      .description('set an appender file’s size (default 0)'),
  ).action((id: string, size: string | undefined, flags: ClientFlags) =>
    withClient('truncate', flags, (c) =>
      c.truncate(id, size === undefined ? 0 : parseCount(size, 'size')),
    ),
  );
}
