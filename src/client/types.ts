// The addresses the low-level clients talk to, and what the tracker queries answer (§5.1).

/** A storage server's address, as a tracker reply gives it (§4.9). */
export interface StorageAddress {
  host: string;
  port: number;
}

/**
 * A storage chosen by a tracker query (§5.1): where to upload (with the store path the upload
 * request should carry), download or update. Usable as the `server` of every StorageClient method.
 */
export interface StorageTarget extends StorageAddress {
  groupName: string;
  /** QUERY_STORE only: the store path index to put in the upload request. */
  storePathIndex?: number;
}

/**
 * One configured tracker (client.conf `tracker_server`, §10.3). A tracker with several addresses
 * (`inner,outer:port`, the `TrackerAddress` of the config loader) is tried at each of them in turn.
 */
export type TrackerEndpoint =
  { host: string; port: number } | { hosts: readonly string[]; port: number };
