// The getopt-style arguments of fdfs_storage_stat and fdfs_volumn_stat: `-c conf` and one-letter
// flags, in any order (§12).
import { UsageFailure } from './tool-runner.js';

export interface StatArgs {
  conf: string;
  flags: Set<string>;
}

export function parseStatArgs(args: string[], allowed: string, usage: string): StatArgs {
  let conf = '/etc/fdfs/client.conf';
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c') {
      const value = args[++i];
      if (value === undefined) throw new UsageFailure(usage);
      conf = value;
    } else if (/^-[A-Za-z]+$/.test(a) && [...a.slice(1)].every((ch) => allowed.includes(ch))) {
      for (const ch of a.slice(1)) flags.add(ch);
    } else {
      throw new UsageFailure(usage);
    }
  }
  return { conf, flags };
}
