import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";

import pg from "pg";

// Helpers for end-to-end tests of the distributed mode: each service its own process from its main.ts, configured
// only by environment variables, as in a pod; a throw-away PostgreSQL database per run.

const root = join(import.meta.dirname, "../../..");
const tsx = createRequire(import.meta.url).resolve("tsx");

export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export interface Proc {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

/** Starts `entry` (a path from the repository root) under tsx with the source condition; output is kept for failures. */
export function runProcess(entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--conditions=ihp-source", "--import", tsx, join(root, entry)], {
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** SIGTERM to each process in order, each awaited before the next. */
export async function stopProcesses(procs: ReadonlyArray<Proc | undefined>): Promise<void> {
  for (const proc of procs) {
    if (proc === undefined) continue;
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
    await proc.exited;
  }
}

export interface FreshDatabase {
  readonly name: string;
  /** DATABASE_URL's server and user, this database. */
  readonly url: string;
  /** Ends every remaining session on it and drops it. */
  drop(): Promise<void>;
}

/** A new, empty database on DATABASE_URL's server, for one run. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
