// `fdfs info <fileId>` and `fdfs meta get|set`: what a file is, and its metadata.
import type { Command } from 'commander';
import {
  addClientOptions,
  badInput,
  parseMetaPairs,
  printJson,
  withClient,
  type ClientFlags,
} from './client-context.js';

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

export function registerInfoCommands(program: Command): void {
  addClientOptions(
    program
      .command('info <fileId>')
      .description('size, time, CRC32 and source of a file (from its name, or its storage)'),
    true,
  ).action((fileId: string, flags: ClientFlags) =>
    withClient('info', flags, async (client) => {
      const info = await client.fileInfo(fileId);
      if (flags.json) {
        printJson({ fileId, ...info, createTime: isoTime(info.createTimestamp) });
        return;
      }
      const crc = info.crc32.toString(16).toUpperCase().padStart(8, '0');
      process.stdout.write(
        [
          `file id:      ${fileId}`,
          `kind:         ${info.kind}`,
          `size:         ${info.fileSize}`,
          `created:      ${isoTime(info.createTimestamp)}`,
          `crc32:        ${crc}`,
          `source:       ${info.sourceIpAddr}${info.sourceId === '0' ? '' : ` (id ${info.sourceId})`}`,
          `from server:  ${info.fromServer ? 'yes' : 'no (decoded from the name)'}`,
          '',
        ].join('\n'),
      );
    }),
  );

  const meta = program.command('meta').description('a file’s metadata: get or set');
  addClientOptions(meta.command('get <fileId>').description('print name=value lines'), true).action(
    (fileId: string, flags: ClientFlags) =>
      withClient('meta get', flags, async (client) => {
        const entries = await client.getMetadata(fileId);
        if (flags.json) {
          printJson(Object.fromEntries(entries.map((e) => [e.name, e.value])));
          return;
        }
        for (const e of entries) process.stdout.write(`${e.name}=${e.value}\n`);
      }),
  );
  addClientOptions(
    meta
      .command('set <fileId> <name=value...>')
      .description('replace the metadata (or --merge into it)')
      .option('--merge', 'merge into the existing metadata instead of replacing it'),
  ).action((fileId: string, pairs: string[], flags: ClientFlags & { merge?: boolean }) =>
    withClient('meta set', flags, async (client) => {
      const entries = parseMetaPairs(pairs);
      if (Object.keys(entries).length === 0) throw badInput('no name=value given');
      await client.setMetadata(fileId, entries, flags.merge ? 'merge' : 'overwrite');
    }),
  );
}
