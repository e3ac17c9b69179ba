// FastDFS configuration files (PROTOCOL.md §10): the INI reader, value parsers and typed loaders.
export { loadIni, parseIni, MAX_INCLUDE_DEPTH } from './ini.js';
export type { IniDocument, IniEntry, IniSource } from './ini.js';
export {
  configValueError,
  formatHostPort,
  formatTimeOfDay,
  parseBool,
  parseByteSize,
  parseEnum,
  parseGroupName,
  parseHostPort,
  parseInteger,
  parsePercent,
  parseReservedSpace,
  parseServerId,
  parseTimeOfDay,
  parseTrackerAddress,
  DEFAULT_TRACKER_SERVER_PORT,
} from './values.js';
export type {
  HostPort,
  IntRange,
  ReservedSpace,
  TimeOfDay,
  TrackerAddress,
  ValueSite,
} from './values.js';
export { IpClass, ipClass, orderDualAddresses } from '../ip-class.js';
export type { IpClassValue } from '../ip-class.js';
export { parseAllowHosts } from './allow-hosts.js';
export type { HostMatcher } from './allow-hosts.js';
export type { AccessLogSettings, LogFileSettings, LogLevel, LogSettings } from './log-settings.js';
export type { AddressFamily, ServerConfigBase } from './server-common.js';
export { loadTrackerConfig, parseTrackerConfig, responseIpSize } from './tracker-config.js';
export type {
  IdType,
  ResponseIpAddrSizeMode,
  TrackerConfig,
  WireCompat,
} from './tracker-config.js';
export { loadStorageConfig, parseStorageConfig } from './storage-config.js';
export type { StorageConfig, StorePath } from './storage-config.js';
export { loadClientConfig, parseClientConfig } from './client-config.js';
export type { ClientConfig, ConnectFirstBy } from './client-config.js';
export { loadStorageIds, parseStorageIds } from './storage-ids.js';
export type { StorageIdConfigEntry } from './storage-ids.js';
export { loadHttpConfig, parseHttpConfig } from './http-config.js';
export type { AntiStealSettings, HttpConfig, HttpSettings } from './http-config.js';
