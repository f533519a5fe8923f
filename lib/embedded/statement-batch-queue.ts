import type { PGlite } from '@electric-sql/pglite';

/**
 * Replaces pglite-socket's query queue. PGlite is one backend; pglite-socket feeds it every protocol
 * message of every connection, one message at a time, keeping a connection exclusive only inside a
 * transaction. But the extended protocol (Parse, Bind, Describe, Execute, ..., Sync) spans several
 * messages, so two connections' unnamed statements interleave ("bind message supplies 2 parameters,
 * but prepared statement requires 1"). This queue keeps one connection exclusive from its first
 * message until a Sync or simple Query ends its batch, and for as long as a transaction is open.
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

function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  // Startup and other untyped messages begin with a length whose first byte is 0.
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

export class StatementBatchQueue {
  private queue: Item[] = [];
  private processing = false;
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (index === -1) break; // the owning connection has not sent its next message yet
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

  /** A connection that goes away mid-batch or mid-transaction must not block the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }
}
