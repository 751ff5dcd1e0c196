import { parentPort } from "node:worker_threads";

import type Database from "better-sqlite3";

import { BatchWriter, openForWriting, type WriteUnit } from "./batchWriter.js";
import { openSqliteFile, type SqliteFileOptions } from "./openSqlite.js";

/** A value SQLite binds (blobs cross the thread boundary as Uint8Array). */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** What the stores of this process ask their writer thread (writers.ts). */
export type WriterRequest =
  | { readonly op: "open"; readonly seq: number; readonly file: number; readonly path: string }
  | { readonly op: "write"; readonly seq: number; readonly file: number; readonly batch: readonly WriteUnit[]; readonly recordedAt: string }
  | { readonly op: "close"; readonly seq: number; readonly file: number }
  // Another store's file (not an event log): opened as openSqliteFile does, then the pragmas its writes need.
  | { readonly op: "openFile"; readonly seq: number; readonly file: number; readonly path: string; readonly options: SqliteFileOptions; readonly pragmas: readonly string[] }
  | { readonly op: "run"; readonly seq: number; readonly file: number; readonly sql: string; readonly params: readonly SqlValue[] };

/**
 * The writer thread of this process's SQLite event stores (issue 15 item 4): it owns each file's one writing
 * connection, so the fsync of a group commit blocks this thread, never a service's event loop. Requests are served
 * one at a time, in order; a write is answered only after its commit is durable.
 */
const files = new Map<number, { readonly db: Database.Database; readonly writer?: BatchWriter; readonly statements?: Map<string, Database.Statement> }>();

function opened(file: number) {
  const found = files.get(file);
  if (found === undefined) throw new Error("the file is not open on the writer thread");
  return found;
}

function serve(request: WriterRequest): unknown {
  switch (request.op) {
    case "open": {
      const db = openForWriting(request.path);
      files.set(request.file, { db, writer: new BatchWriter(db) });
      return undefined;
    }
    case "write": {
      const { writer } = opened(request.file);
      if (writer === undefined) throw new Error("the file on the writer thread is not an event file");
      return writer.write(request.batch, request.recordedAt).outcomes;
    }
    case "openFile": {
      const db = openSqliteFile(request.path, request.options);
      for (const pragma of request.pragmas) db.pragma(pragma);
      files.set(request.file, { db, statements: new Map() });
      return undefined;
    }
    case "run": {
      const { db, statements } = opened(request.file);
      let statement = statements?.get(request.sql);
      if (statement === undefined) {
        statement = db.prepare(request.sql);
        statements?.set(request.sql, statement);
      }
      const params = request.params.map((value) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
      // A statement that answers rows (a pragma such as wal_checkpoint) is run to its end; its rows are not needed.
      if (statement.reader) return void statement.all(...params);
      return statement.run(...params).changes;
    }
    case "close":
      files.get(request.file)?.db.close();
      files.delete(request.file);
      return undefined;
  }
}

parentPort?.on("message", (request: WriterRequest) => {
  try {
    parentPort?.postMessage({ seq: request.seq, ok: true, value: serve(request) });
  } catch (error) {
    parentPort?.postMessage({ seq: request.seq, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
