// The command line of the server daemons, as FastDFS 6.x parses it (libserverframe
// sf_parse_daemon_mode_and_action + libfastcommon process_action):
//   fdfs_trackerd [options] <config_file> [start | stop | restart | status]
// The action defaults to `start`. We never fork (run it under systemd, a container or `&`):
// `-N` / `--no-daemon` / `--foreground` only sends the log to stderr instead of
// `<base_path>/logs/<name>.log`.

export type DaemonAction = 'start' | 'stop' | 'restart' | 'status';

const ACTIONS: ReadonlySet<string> = new Set<DaemonAction>(['start', 'stop', 'restart', 'status']);

export type DaemonArgs =
  | { kind: 'run'; configPath: string; action: DaemonAction; foreground: boolean }
  | { kind: 'help' }
  | { kind: 'version' }
  /** Bad usage: print `message` (if any) and the usage, exit with `exitCode`. */
  | { kind: 'usage'; message?: string; exitCode: number };

/** EINVAL, the exit code process_action gives an unknown action. */
const EINVAL = 22;

/** The usage text of sf_usage, with our `--foreground` spelling of `-N`. */
export function daemonUsage(program: string): string {
  return (
    `\nUsage: ${program} [options] <config_file> [start | stop | restart | status]\n\n` +
    'options:\n' +
    '\t-N | --no-daemon | --foreground: run in foreground, logging to stderr\n' +
    '\t-V | --version: show version info\n' +
    '\t-h | --help: for this usage\n\n'
  );
}

/** Parse argv without the node and script entries. */
export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  if (argv.length === 0) return { kind: 'usage', exitCode: 1 };
  let foreground = false;
  const positional: string[] = [];
  for (const arg of argv) {
    switch (arg) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-V':
      case '--version':
        return { kind: 'version' };
      case '-N':
      case '--no-daemon':
      case '--foreground':
        foreground = true;
        break;
      default:
        if (arg.startsWith('-') && arg.length > 1) {
          return { kind: 'usage', message: `invalid option: ${arg}`, exitCode: EINVAL };
        }
        positional.push(arg);
    }
  }
  const [configPath, action = 'start', ...extra] = positional;
  if (configPath === undefined) return { kind: 'usage', exitCode: 1 };
  if (!ACTIONS.has(action)) {
    return { kind: 'usage', message: `invalid action: ${action}`, exitCode: EINVAL };
  }
  if (extra.length > 0) {
    return { kind: 'usage', message: `unexpected argument: ${extra[0]}`, exitCode: EINVAL };
  }
  return { kind: 'run', configPath, action: action as DaemonAction, foreground };
}
