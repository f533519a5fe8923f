import type { PGlite } from '@electric-sql/pglite';

/**
 * Replaces pglite-socket's query queue. PGlite is one backend; pglite-socket feeds it every protocol
 * message of every connection, one message at a time, keeping a connection exclusive only inside a
 * transaction. But the extended protocol (Parse, Bind, Describe, Execute, ..., Sync) spans several
 * messages, so two connections' unnamed statements interleave ("bind message supplies 2 parameters,
 * but prepared statement requires 1"). This queue keeps one connection exclusive from its first
 * message until a Sync or simple Query ends its batch, and for as long as a transaction is open.
 *
 * One client must not freeze everyone: a connection that holds the database (an open transaction,
 * or a batch it does not finish) and sends nothing for `holdLimitMs` while others wait is ended as
 * PostgreSQL ends one past `idle_in_transaction_session_timeout`: its transaction is rolled back and
 * the others go on; what it sends next is not run (it would run outside the transaction it thought it
 * had) but answered with a FATAL error (25P03) saying why, and its connection is closed (`terminate`)
 * once it goes quiet.
 *
 * Named prepared statements live in that one backend, not in a connection, so they would outlive the
 * connection that made them (postgres.js prepares every query under names of its own, new ones for
 * each connection): the queue notes each connection's names as it parses them and deallocates them
 * when the connection goes, or PGlite's memory would grow with every connection ever made.
 */
interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const PARSE = 0x50; // 'P'
const CLOSE = 0x43; // 'C'
/** the queue's own statements (deallocations) run under this connection id, which no client has */
const QUEUE_ITSELF = -1;

/** A NUL-terminated string of a protocol message, from `at`. */
function cString(message: Uint8Array, at: number): string {
  const end = message.indexOf(0, at);
  return Buffer.from(message.subarray(at, end === -1 ? message.length : end)).toString('utf8');
}

/** A simple Query message (the protocol's 'Q'): what psql sends for one line. */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = QUERY;
  head.writeInt32BE(4 + text.length, 1);
  return new Uint8Array(Buffer.concat([head, text]));
}

function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  // Startup and other untyped messages begin with a length whose first byte is 0.
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

/** An ErrorResponse message (severity FATAL) as the PostgreSQL protocol frames it. */
export function fatalError(code: string, message: string): Uint8Array {
  const fields = Buffer.concat([
    ...[
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ].map(([k, v]) => Buffer.concat([Buffer.from(k, 'ascii'), Buffer.from(v, 'utf8'), Buffer.from([0])])),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head[0] = 0x45; // 'E'
  head.writeInt32BE(4 + fields.length, 1);
  return new Uint8Array(Buffer.concat([head, fields]));
}

/** how long an ended connection may stay quiet before it is closed */
const ENDED_QUIET_MS = 500;
const READY_FOR_QUERY_IDLE = new Uint8Array([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', length 5, 'I'

export interface HoldLimit {
  /** how long a connection may hold the database without sending anything while others wait */
  holdLimitMs: number;
  /** closes a connection (its socket) */
  terminate: (handlerId: number) => void;
}

export class StatementBatchQueue {
  private queue: Item[] = [];
  private processing = false;
  private owner: number | null = null;
  private holdTimer: NodeJS.Timeout | null = null;
  /** connections ended for holding the database: the error their next message gets */
  private readonly ended = new Map<number, Uint8Array>();
  private readonly closeTimers = new Map<number, NodeJS.Timeout>();
  /** each connection's named prepared statements, deallocated when it goes */
  private readonly statements = new Map<number, Set<string>>();

  constructor(
    private readonly db: PGlite,
    private readonly limit?: HoldLimit,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const ended = this.ended.get(handlerId);
    if (ended) {
      // nothing it sends runs; the batch it sends next is answered with the error (and ReadyForQuery,
      // so a client such as postgres.js hands the error to the query), then its connection goes
      if (!endsBatch(message)) return Promise.resolve(0);
      onData(ended);
      onData(READY_FOR_QUERY_IDLE);
      this.closeWhenQuiet(handlerId);
      return Promise.resolve(ended.length + READY_FOR_QUERY_IDLE.length);
    }
    this.noteStatement(handlerId, message);
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  /**
   * An ended connection is closed once it has sent nothing for half a second: not at once, so that what
   * its client sends after the error (postgres.js: a ROLLBACK) gets the same error, not a closed socket.
   */
  private closeWhenQuiet(handlerId: number): void {
    const limit = this.limit;
    if (!limit) return;
    clearTimeout(this.closeTimers.get(handlerId));
    const timer = setTimeout(() => {
      this.closeTimers.delete(handlerId);
      limit.terminate(handlerId);
    }, ENDED_QUIET_MS);
    timer.unref();
    this.closeTimers.set(handlerId, timer);
  }

  /** Others wait while the owner sends nothing: end the owner when that lasts past the limit. */
  private watchHold(): void {
    if (!this.limit || this.holdTimer || this.owner === null) return;
    const owner = this.owner;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      if (this.owner !== owner || this.processing || !this.queue.some((q) => q.handlerId !== owner) || this.queue.some((q) => q.handlerId === owner)) return;
      void this.endOwner(owner);
    }, this.limit.holdLimitMs);
    this.holdTimer.unref();
  }

  private async endOwner(owner: number): Promise<void> {
    const seconds = Math.round(this.limit!.holdLimitMs / 100) / 10;
    this.ended.set(
      owner,
      fatalError(
        '25P03',
        `terminating connection: it held the embedded database for ${seconds} s without sending anything (an open transaction or an unfinished batch) while other connections waited; its transaction was rolled back`,
      ),
    );
    this.clearQueueForHandler(owner);
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.closeWhenQuiet(owner);
    await this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (index === -1) {
          // the owning connection has not sent its next message yet
          this.watchHold();
          break;
        }
        if (this.holdTimer) {
          clearTimeout(this.holdTimer);
          this.holdTimer = null;
        }
        const item = this.queue.splice(index, 1)[0];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (err) {
          item.reject(err);
        }
        this.owner = !endsBatch(item.message) || this.db.isInTransaction() ? item.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Parse names a statement (an empty name is the unnamed one, replaced by the next); Close 'S' drops one. */
  private noteStatement(handlerId: number, message: Uint8Array): void {
    if (message[0] === PARSE) {
      const name = cString(message, 5);
      if (!name) return;
      const names = this.statements.get(handlerId) ?? new Set<string>();
      this.statements.set(handlerId, names.add(name));
    } else if (message[0] === CLOSE && message[5] === SYNC) {
      this.statements.get(handlerId)?.delete(cString(message, 6));
    }
  }

  /** Deallocates a gone connection's statements, each on its own (one that never parsed only fails alone), in turn with the others' batches. */
  private deallocateStatements(handlerId: number): void {
    const names = this.statements.get(handlerId);
    this.statements.delete(handlerId);
    if (!names?.size) return;
    for (const name of names) {
      const message = queryMessage(`DEALLOCATE "${name.replaceAll('"', '""')}"`);
      this.queue.push({ handlerId: QUEUE_ITSELF, message, onData: () => {}, resolve: () => {}, reject: () => {} });
    }
    void this.process();
  }

  /**
   * A connection has gone (pglite-socket calls this when one detaches): mid-batch or mid-transaction it
   * must not block the others, and its prepared statements go with it.
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    this.ended.delete(handlerId);
    clearTimeout(this.closeTimers.get(handlerId));
    this.closeTimers.delete(handlerId);
    this.deallocateStatements(handlerId);
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }
}
