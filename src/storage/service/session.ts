// One client connection to the storage: who it is, and the download being sent on it, which is
// destroyed when the connection closes (a socket that went away never drains, and the file
// descriptor must not wait for it).
import type { Readable } from 'node:stream';
import { FdfsError } from '../../common/errors.js';
import type { PeerAddress } from '../../common/server-connection.js';

function ignoreError(): void {}

export class StorageSession {
  private download: Readable | undefined;
  private isClosed = false;
  /** The peer a sync connection comes from (REPORT_SERVER_ID, §6.2 cmd 9). */
  syncSource: string | undefined;

  constructor(
    readonly peer: PeerAddress,
    readonly local: PeerAddress,
  ) {}

  /** Remember the stream a DOWNLOAD_FILE reply is sending, until it closes. */
  sending(stream: Readable): void {
    // The reply writer reports errors of its own; a stream it never got to must not crash us.
    stream.on('error', ignoreError);
    if (this.isClosed) {
      stream.destroy();
      return;
    }
    this.download = stream;
    stream.once('close', () => {
      if (this.download === stream) this.download = undefined;
    });
  }

  /** The connection closed: stop the download in progress and release its file. */
  closed(): void {
    this.isClosed = true;
    const stream = this.download;
    this.download = undefined;
    if (stream && !stream.destroyed) {
      stream.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'the client went away mid-download'));
    }
  }
}
