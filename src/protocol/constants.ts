// Sizes and limits of the FastDFS wire protocol (PROTOCOL.md §3.1, §1.3).

/** Size of the packet header: pkg_len i64, cmd u8, status u8 (§1.1). */
export const HEADER_SIZE = 10;
/** Size of every "8-byte number" field, pkg_len included. */
export const PKG_LEN_SIZE = 8;

export const GROUP_NAME_MAX_LEN = 16;
/** Group name field inside TrackerGroupStat and the join body: 16 + 1 (§13). */
export const GROUP_NAME_STRUCT_SIZE = 17;
export const STORAGE_ID_MAX_SIZE = 16;
export const IPV4_ADDRESS_SIZE = 16;
export const IPV6_ADDRESS_SIZE = 46;
/** IP_ADDRESS_SIZE since 6.11 (INET6_ADDRSTRLEN). */
export const IP_ADDRESS_SIZE = 46;
export const MAX_IP_PORT_SIZE = 52;
export const MAX_MULTI_IP_PORT_SIZE = 100;
export const VERSION_SIZE = 8;
export const FILE_EXT_NAME_MAX_LEN = 6;
export const FILE_PREFIX_MAX_LEN = 16;
export const LOGIC_FILE_PATH_LEN = 10;
export const TRUE_FILE_PATH_LEN = 6;
export const FILENAME_BASE64_LENGTH = 27;
export const TRUNK_FILE_INFO_LEN = 16;
export const NORMAL_LOGIC_FILENAME_LENGTH = 44;
export const TRUNK_FILENAME_LENGTH = 56;
export const TRUNK_LOGIC_FILENAME_LENGTH = 60;
/** File names inside requests fit a 128-byte buffer (§1.3). */
export const MAX_FILENAME_LEN = 127;
export const MAX_SERVERS_EACH_GROUP = 32;
export const MAX_GROUPS = 512;
export const MAX_TRACKERS = 16;
export const MAX_META_NAME_LEN = 64;
export const MAX_META_VALUE_LEN = 256;
export const MAX_SERVER_ID = 16777215;
export const DOMAIN_NAME_MAX_SIZE = 128;
/** Appender flag in a name's size field, and pkg_len of a close-delimited stream (§1.4, §7.2). */
export const INFINITE_FILE_SIZE = 2 ** 58;
export const INFINITE_FILE_SIZE_BIG = 1n << 58n;
export const APPENDER_FILE_SIZE_BIG = INFINITE_FILE_SIZE_BIG;
/** Trunk flag in a name's size field (§7.2). */
export const TRUNK_FILE_MARK_SIZE_BIG = 1n << 59n;
/** Chunk size of changelog and system-file transfers (§5.4). */
export const TRACKER_MAX_PACKAGE_SIZE = 8192;
/** Default per-connection packet limit of both servers (libserverframe, §1.3). */
export const DEFAULT_MAX_PACKAGE_SIZE = 256 * 1024;
export const DEFAULT_RESERVED_MB = 1024;

export const DEFAULT_TRACKER_PORT = 22122;
export const DEFAULT_STORAGE_PORT = 23000;

/** Metadata separators (§3.2). */
export const META_RECORD_SEPARATOR = 0x01;
export const META_FIELD_SEPARATOR = 0x02;

/** Query-file-info flags carried in the request's header status (§3.5). */
export const QUERY_FILE_INFO_FLAG_NO_CRC32 = 1;
export const QUERY_FILE_INFO_FLAG_KEEP_SILENCE = 2;

/** Change flags in beat responses (§3.5). */
export const CHANGE_FLAG_TRACKER_LEADER = 1;
export const CHANGE_FLAG_TRUNK_SERVER = 2;
export const CHANGE_FLAG_GROUP_SERVER = 4;

/** File types reported by clients (§3.5). */
export const FILE_TYPE = { normal: 1, appender: 2, slave: 4 } as const;

/** The FastDFS release whose version string we put in wire fields by default (C peers read it). */
export const DEFAULT_WIRE_VERSION = '6.16.1';
