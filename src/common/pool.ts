// Connection pools (client.conf use_connection_pool, connection_pool_max_idle_time, §10.3): one
// ConnectionPool per server address, a PoolSet mapping addresses to pools. An idle connection is
// checked with ACTIVE_TEST before reuse (§13), and any error closes the connection instead of
// returning it, as the C client does (§1.2).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FramedConnection, formatServer, type ConnectOptions } from './connection.js';
import { FdfsError } from './errors.js';
import { abortError } from './socket-connect.js';

export interface PoolOptions {
  /** Connections per address, in use and idle together (default 64); more acquirers wait in a FIFO. */
  maxConnections?: number;
  /** connection_pool_max_idle_time: idle connections older than this are closed (default 3600 s). */
  maxIdleTimeMs?: number;
  /** A connection idle for longer is checked with ACTIVE_TEST before it is handed out (default 1 s). */
  activeTestAfterIdleMs?: number;
  /** connect_timeout (default 10 s, §10.3). */
  connectTimeoutMs?: number;
  /** network_timeout (default 30 s, §10.3). */
  networkTimeoutMs?: number;
  localAddress?: string;
  /**
   * Extra connect attempts on ECONNREFUSED / EAGAIN / ETIMEDOUT / EADDRINUSE, with exponential
   * backoff (default 0; the C client uses 3 for storages since 6.16, §12).
   */
  connectRetries?: number;
  /** First backoff delay (default 100 ms), doubled per attempt up to `maxRetryDelayMs` (5 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Replaces FramedConnection.connect (tests). */
  connect?: (options: ConnectOptions) => Promise<FramedConnection>;
}

/** Storage connections retry like the C client since 6.16 (§12). */
export const STORAGE_CONNECT_RETRIES = 3;

const RETRYABLE_CONNECT_CODES = new Set(['ECONNREFUSED', 'EAGAIN', 'ETIMEDOUT', 'EADDRINUSE']);

/** True for the connect failures the C client retries (§12). */
export function isRetryableConnectError(err: unknown): boolean {
  if (!(err instanceof FdfsError)) return false;
  if (err.code === 'ERR_CONNECT_TIMEOUT') return true;
  if (err.code !== 'ERR_CONNECT') return false;
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && RETRYABLE_CONNECT_CODES.has(code);
}

/** A waiter is granted a connection, or `null`: a reserved slot to connect in. */
interface Waiter {
  resolve: (grant: FramedConnection | null) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class ConnectionPool {
  /** "host:port". */
  readonly server: string;
  private readonly maxConnections: number;
  private readonly maxIdleTimeMs: number;
  private readonly activeTestAfterIdleMs: number;
  private readonly connectRetries: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly connectOptions: ConnectOptions;
  private readonly connectFn: (options: ConnectOptions) => Promise<FramedConnection>;
  /** Oldest first; connections are taken from the end, so cold ones expire. */
  private readonly idleList: FramedConnection[] = [];
  private readonly busy = new Set<FramedConnection>();
  private readonly waiters: Waiter[] = [];
  private connecting = 0;
  private createdCount = 0;
  private closing = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    options: PoolOptions = {},
  ) {
    this.server = formatServer(host, port);
    this.maxConnections = positive(options.maxConnections ?? 64, 'maxConnections');
    this.maxIdleTimeMs = options.maxIdleTimeMs ?? 3_600_000;
    this.activeTestAfterIdleMs = options.activeTestAfterIdleMs ?? 1000;
    this.connectRetries = options.connectRetries ?? 0;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.connectOptions = {
      host,
      port,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      networkTimeoutMs: options.networkTimeoutMs ?? 30_000,
    };
    if (options.localAddress !== undefined) this.connectOptions.localAddress = options.localAddress;
    this.connectFn = options.connect ?? ((o) => FramedConnection.connect(o));
  }

  /** Connections in use, idle and being opened. */
  get size(): number {
    return this.idleList.length + this.busy.size + this.connecting;
  }
  get idle(): number {
    return this.idleList.length;
  }
  get inUse(): number {
    return this.busy.size;
  }
  get waiting(): number {
    return this.waiters.length;
  }
  /** Connections opened since the pool was made. */
  get created(): number {
    return this.createdCount;
  }

  /** A usable connection; release() it, or destroy() it after an error. */
  async acquire(signal?: AbortSignal): Promise<FramedConnection> {
    for (;;) {
      this.checkOpen(signal);
      let grant: FramedConnection | null | undefined;
      if (this.waiters.length === 0) grant = this.takeIdle() ?? this.reserveSlot();
      if (grant === undefined) grant = await this.wait(signal);
      if (grant === null) return this.create(signal);
      if (await this.check(grant, signal)) return grant;
    }
  }

  /** Give a connection back; one that is no longer usable is destroyed instead of kept. */
  release(conn: FramedConnection): void {
    if (!this.busy.delete(conn)) return;
    if (this.closing || !conn.usable) {
      conn.destroy();
      this.dispatch();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy.add(conn);
      grant(waiter, conn);
      return;
    }
    this.idleList.push(conn);
    this.scheduleSweep();
  }

  /** Acquire, run `fn`, release; after any error the connection is destroyed, not released. */
  async use<T>(fn: (conn: FramedConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const conn = await this.acquire(signal);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      this.discard(conn);
      throw err;
    }
    this.release(conn);
    return result;
  }

  /** QUIT and close idle connections, fail waiters with ERR_CLOSED; busy ones close on release. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    for (const waiter of this.waiters.splice(0)) {
      settleWaiter(waiter);
      waiter.reject(this.closedError());
    }
    await Promise.all(this.idleList.splice(0).map((conn) => conn.quit()));
  }

  private checkOpen(signal: AbortSignal | undefined): void {
    if (this.closing) throw this.closedError();
    if (signal?.aborted) throw abortError(this.server, signal);
  }

  private takeIdle(): FramedConnection | undefined {
    for (;;) {
      const conn = this.idleList.pop();
      if (conn === undefined) return undefined;
      if (conn.usable) {
        this.busy.add(conn);
        return conn;
      }
      conn.destroy();
    }
  }

  private reserveSlot(): null | undefined {
    if (this.size >= this.maxConnections) return undefined;
    this.connecting++;
    return null;
  }

  private wait(signal: AbortSignal | undefined): Promise<FramedConnection | null> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(abortError(this.server, signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Hand freed capacity to waiters, first come first served. */
  private dispatch(): void {
    while (this.waiters.length > 0 && !this.closing) {
      const conn = this.takeIdle();
      if (conn) grant(this.waiters.shift()!, conn);
      else if (this.reserveSlot() === null) grant(this.waiters.shift()!, null);
      else return;
    }
  }

  /** Open a connection in a reserved slot. */
  private async create(signal: AbortSignal | undefined): Promise<FramedConnection> {
    let conn: FramedConnection;
    try {
      conn = await this.connectWithRetries(signal);
    } catch (err) {
      this.connecting--;
      this.dispatch();
      throw err;
    }
    this.connecting--;
    if (this.closing) {
      conn.destroy();
      throw this.closedError();
    }
    this.createdCount++;
    this.busy.add(conn);
    void conn.closed.then(() => this.forget(conn));
    return conn;
  }

  private async connectWithRetries(signal: AbortSignal | undefined): Promise<FramedConnection> {
    let delay = this.retryDelayMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const options = signal ? { ...this.connectOptions, signal } : this.connectOptions;
        return await this.connectFn(options);
      } catch (err) {
        if (attempt >= this.connectRetries || !isRetryableConnectError(err)) throw err;
      }
      try {
        await sleep(delay, undefined, signal ? { signal } : undefined);
      } catch {
        throw abortError(this.server, signal);
      }
      delay = Math.min(delay * 2, this.maxRetryDelayMs);
      if (this.closing) throw this.closedError();
    }
  }

  /** An idle connection is checked with ACTIVE_TEST (§13); false when it failed and is gone. */
  private async check(conn: FramedConnection, signal: AbortSignal | undefined): Promise<boolean> {
    if (performance.now() - conn.idleSinceMs <= this.activeTestAfterIdleMs) return true;
    try {
      await conn.activeTest(signal);
      return true;
    } catch (err) {
      this.discard(conn);
      if (signal?.aborted) throw err;
      return false;
    }
  }

  private discard(conn: FramedConnection): void {
    conn.destroy();
    if (this.busy.delete(conn)) this.dispatch();
  }

  /** A connection closed by its peer while idle leaves the pool at once. */
  private forget(conn: FramedConnection): void {
    const index = this.idleList.indexOf(conn);
    if (index < 0) return;
    this.idleList.splice(index, 1);
    this.dispatch();
  }

  private scheduleSweep(): void {
    if (this.idleTimer !== undefined || this.idleList.length === 0 || this.closing) return;
    const due = this.idleList[0]!.idleSinceMs + this.maxIdleTimeMs - performance.now();
    this.idleTimer = setTimeout(() => this.sweep(), Math.max(0, Math.ceil(due)));
    this.idleTimer.unref();
  }

  private sweep(): void {
    this.idleTimer = undefined;
    const now = performance.now();
    for (let i = this.idleList.length - 1; i >= 0; i--) {
      const conn = this.idleList[i]!;
      if (now - conn.idleSinceMs >= this.maxIdleTimeMs) {
        this.idleList.splice(i, 1);
        void conn.quit();
      }
    }
    this.scheduleSweep();
  }

  private closedError(): FdfsError {
    return new FdfsError('ERR_CLOSED', `the pool for ${this.server} is closed`, {
      server: this.server,
    });
  }
}

/** One pool per server address, sharing the same options. */
export class PoolSet {
  private readonly pools = new Map<string, ConnectionPool>();
  private closing = false;

  constructor(private readonly options: PoolOptions = {}) {}

  /** The pool for host:port, made on first use. */
  get(host: string, port: number): ConnectionPool {
    if (this.closing) {
      throw new FdfsError('ERR_CLOSED', 'the pool set is closed', {
        server: formatServer(host, port),
      });
    }
    const key = formatServer(host, port);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new ConnectionPool(host, port, this.options);
      this.pools.set(key, pool);
    }
    return pool;
  }

  use<T>(
    host: string,
    port: number,
    fn: (conn: FramedConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.get(host, port).use(fn, signal);
  }

  /** The pools made so far. */
  values(): IterableIterator<ConnectionPool> {
    return this.pools.values();
  }

  get size(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}

function grant(waiter: Waiter, conn: FramedConnection | null): void {
  settleWaiter(waiter);
  waiter.resolve(conn);
}

function settleWaiter(waiter: Waiter): void {
  if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `${what} must be a positive integer, not ${n}`);
  }
  return n;
}
