import { Worker } from "node:worker_threads";

import type Database from "better-sqlite3";

import { BatchWriter, type UnitOutcome, type WriteUnit } from "./batchWriter.js";
import type { SqliteFileOptions } from "./openSqlite.js";
import type { SqlValue, WriterRequest } from "./writerThread.js";

/** Commits batches of units (appends, multi-stream appends); each promise settles once its batch is durable (or failed as a whole). */
export interface Writer {
  write(batch: readonly WriteUnit[], recordedAt: string): Promise<readonly UnitOutcome[]>;
  close(): Promise<void>;
}

/** Writes on the caller's thread: for ":memory:" (no file, no fsync, and no second connection could see it). */
export function inlineWriter(db: Database.Database): Writer {
  const writer = new BatchWriter(db);
  return {
    write: (batch, recordedAt) => {
      try {
        return Promise.resolve(writer.write(batch, recordedAt).outcomes);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close: () => Promise.resolve(),
  };
}

type Reply = { readonly seq: number } & ({ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string });
type Waiter = { readonly resolve: (value: unknown) => void; readonly reject: (error: Error) => void };
type Request = WriterRequest extends infer R ? (R extends WriterRequest ? Omit<R, "seq"> : never) : never;

/**
 * The process's one writer thread (writerThread.ts), shared by its stores: started with the first file-backed
 * store and kept (starting it costs far more than a commit). It keeps the process alive only while a request is in
 * flight, so an idle one never holds a process open.
 */
class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private seq = 0;
  private broken: Error | undefined;

  constructor() {
    // Built code runs writerThread.js next to this module; the TypeScript sources (tests, tsx) go through tsx.
    const entry = import.meta.url.endsWith(".ts") ? "./writerThread.source.mjs" : "./writerThread.js";
    this.worker = new Worker(new URL(entry, import.meta.url));
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (this.waiting.size === 0) this.worker.unref();
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(reply.message));
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.once("exit", (code) => {
      if (thread === this) thread = undefined;
      this.fail(new Error(`the event store's writer thread ended (exit code ${code})`));
    });
  }

  ask(request: Request): Promise<unknown> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...request, seq });
    });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

let thread: WriterThread | undefined;
let nextFile = 0;

type FileRequest = Request extends infer R ? (R extends { readonly file: number } ? Omit<R, "file"> : never) : never;

/**
 * A connection opened on the process's writer thread by `open`: `ask` sends a request about it once it is open, and
 * `close` closes it. A failed open is reported by the first request.
 */
function fileOnThread(open: FileRequest): { ask(request: FileRequest): Promise<unknown>; close(): Promise<void> } {
  const writer = (thread ??= new WriterThread());
  const file = ++nextFile;
  const opened = writer.ask({ ...open, file });
  // An unobserved rejection must not end the process before the first request reports it.
  opened.catch(() => undefined);
  return {
    async ask(request) {
      await opened;
      return writer.ask({ ...request, file });
    },
    async close() {
      await writer.ask({ op: "close", file }).catch(() => undefined);
    },
  };
}

/**
 * Another store's writes on the process's writer thread, through its own connection to `path` (opened as
 * openSqliteFile opens it, then `pragmas`): each `run` answers once its statement has committed, so a commit's
 * fsync blocks that thread, not the event loop (issue 15 item 4). Statements run one at a time, in the order asked.
 * The caller keeps its own connection for reads, and must have created the file's schema on it first.
 */
export function threadSqliteWriter(path: string, options: SqliteFileOptions, pragmas: readonly string[] = []): SqliteThreadWriter {
  const connection = fileOnThread({ op: "openFile", path, options, pragmas });
  return {
    async run(sql, params) {
      return ((await connection.ask({ op: "run", sql, params })) as number | undefined) ?? 0;
    },
    close: () => connection.close(),
  };
}

export interface SqliteThreadWriter {
  /** Runs one statement (its own transaction) on the writer thread; the rows it changed once committed. */
  run(sql: string, params: readonly SqlValue[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * Writes on the process's writer thread, through its own connection to `path`: the group commit's fsync blocks
 * that thread, not the event loop. The store sends one batch at a time, so its commits keep their order.
 */
export function threadWriter(path: string): Writer {
  const connection = fileOnThread({ op: "open", path });
  return {
    async write(batch, recordedAt) {
      return (await connection.ask({ op: "write", batch, recordedAt })) as readonly UnitOutcome[];
    },
    close: () => connection.close(),
  };
}
