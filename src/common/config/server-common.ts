// Keys that tracker.conf and storage.conf share (PROTOCOL.md §10.1, §10.2), and the packet-size
// rule of libserverframe (§1.3) used by both servers.
import { isIP } from 'node:net';
import { DEFAULT_MAX_PACKAGE_SIZE } from '../../protocol/constants.js';
import { parseAllowHosts, type HostMatcher } from './allow-hosts.js';
import { readLogSettings, type LogSettings } from './log-settings.js';
import type { ConfigReader } from './reader.js';
import { configValueError } from './values.js';

export type AddressFamily = 'auto' | 'IPv4' | 'IPv6' | 'both';

export interface ServerConfigBase extends LogSettings {
  /** The configuration file this was read from. */
  readonly file: string;
  /** disabled: refuse to start */
  readonly disabled: boolean;
  /** bind_addr, split on commas; empty = all addresses */
  readonly bindAddr: readonly string[];
  readonly port: number;
  /** address_family */
  readonly addressFamily: AddressFamily;
  /** connect_timeout (s) */
  readonly connectTimeout: number;
  /** network_timeout (s) */
  readonly networkTimeout: number;
  /** use_io_uring (stored only) */
  readonly useIoUring: boolean;
  /** use_send_zc (stored only) */
  readonly useSendZc: boolean;
  /** base_path, without a trailing slash */
  readonly basePath: string;
  readonly maxConnections: number;
  readonly acceptThreads: number;
  readonly workThreads: number;
  /** min_buff_size (bytes) */
  readonly minBuffSize: number;
  /** max_buff_size (bytes) */
  readonly maxBuffSize: number;
  /** buff_size (bytes) */
  readonly buffSize: number;
  /** Derived (§1.3): the largest request accepted, max(max_buff_size, buff_size) or buff_size. */
  readonly maxPacketSize: number;
  /** run_by_group (stored only) */
  readonly runByGroup: string;
  /** run_by_user (stored only) */
  readonly runByUser: string;
  /** allow_hosts, the raw patterns in file order (["*"] when absent) */
  readonly allowHosts: readonly string[];
  /** The parsed allow_hosts: may a peer with this address connect? */
  readonly isHostAllowed: HostMatcher;
  /** thread_stack_size (bytes, stored only) */
  readonly threadStackSize: number;
  readonly useConnectionPool: boolean;
  /** connection_pool_max_idle_time (s) */
  readonly connectionPoolMaxIdleTime: number;
}

const ADDRESS_FAMILIES: Readonly<Record<string, AddressFamily>> = {
  auto: 'auto',
  IPv4: 'IPv4',
  IPv6: 'IPv6',
  both: 'both',
};

const BUFF_RANGE = { min: 4096, max: 2 ** 31 - 1 };

/** A path as FastDFS keeps it: trailing slashes removed. */
export function trimPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' && path.startsWith('/') ? '/' : trimmed;
}

function readBindAddr(r: ConfigReader): readonly string[] {
  const e = r.entry('bind_addr');
  if (!e) return [];
  const addrs = e.value.split(',').map((a) => a.trim());
  if (!addrs.every((a) => isIP(a) !== 0)) {
    throw configValueError(e, e.value, 'IP addresses separated by commas');
  }
  return addrs;
}

/** §1.3: buff_size is the packet limit, raised to max_buff_size when min and max are both set. */
function packetLimits(r: ConfigReader) {
  const buffSize = r.bytes('buff_size', DEFAULT_MAX_PACKAGE_SIZE, BUFF_RANGE);
  const bothSet = r.has('min_buff_size') && r.has('max_buff_size');
  const minBuffSize = r.bytes('min_buff_size', 64 * 1024, BUFF_RANGE);
  const maxBuffSize = r.bytes('max_buff_size', DEFAULT_MAX_PACKAGE_SIZE, BUFF_RANGE);
  const maxPacketSize = bothSet ? Math.max(maxBuffSize, buffSize) : buffSize;
  return { buffSize, minBuffSize, maxBuffSize, maxPacketSize };
}

export interface ServerDefaults {
  readonly port: number;
  readonly threadStackSize: number;
}

export function readServerCommon(r: ConfigReader, defaults: ServerDefaults): ServerConfigBase {
  const allowEntries = r.all('allow_hosts').filter((e) => e.value !== '');
  const allowHosts = allowEntries.length > 0 ? allowEntries.map((e) => e.value) : ['*'];
  return {
    file: r.doc.file,
    disabled: r.bool('disabled', false),
    bindAddr: readBindAddr(r),
    port: r.int('port', defaults.port, { min: 1, max: 65535 }),
    addressFamily: r.oneOf('address_family', 'auto', ADDRESS_FAMILIES),
    connectTimeout: r.int('connect_timeout', 10, { min: 1 }),
    networkTimeout: r.int('network_timeout', 60, { min: 1 }),
    useIoUring: r.bool('use_io_uring', false),
    useSendZc: r.bool('use_send_zc', true),
    basePath: trimPath(r.require('base_path').value),
    maxConnections: r.int('max_connections', 256, { min: 1 }),
    acceptThreads: r.int('accept_threads', 1, { min: 1 }),
    workThreads: r.int('work_threads', 4, { min: 1 }),
    ...packetLimits(r),
    ...readLogSettings(r),
    runByGroup: r.string('run_by_group', ''),
    runByUser: r.string('run_by_user', ''),
    allowHosts,
    isHostAllowed: parseAllowHosts(allowHosts, allowEntries),
    threadStackSize: r.bytes('thread_stack_size', defaults.threadStackSize, { min: 64 * 1024 }),
    useConnectionPool: r.bool('use_connection_pool', false),
    connectionPoolMaxIdleTime: r.int('connection_pool_max_idle_time', 3600, { min: 0 }),
  };
}
