import { parentPort } from "node:worker_threads";

import type Database from "better-sqlite3";

import { BatchWriter, openForWriting, type WriteRequest } from "./batchWriter.js";

/** What the stores of this process ask their writer thread (writers.ts). */
export type WriterRequest =
  | { readonly op: "open"; readonly seq: number; readonly file: number; readonly path: string }
  | { readonly op: "write"; readonly seq: number; readonly file: number; readonly batch: readonly WriteRequest[]; readonly recordedAt: string }
  | { readonly op: "close"; readonly seq: number; readonly file: number };

/**
 * The writer thread of this process's SQLite event stores (issue 15 item 4): it owns each file's one writing
 * connection, so the fsync of a group commit blocks this thread, never a service's event loop. Requests are served
 * one at a time, in order; a write is answered only after its commit is durable.
 */
const files = new Map<number, { readonly db: Database.Database; readonly writer: BatchWriter }>();

function serve(request: WriterRequest): unknown {
  switch (request.op) {
    case "open": {
      const db = openForWriting(request.path);
      files.set(request.file, { db, writer: new BatchWriter(db) });
      return undefined;
    }
    case "write": {
      const file = files.get(request.file);
      if (file === undefined) throw new Error("the event file is not open on the writer thread");
      return file.writer.write(request.batch, request.recordedAt).outcomes;
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
