import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { NewEvent } from "@ihp/eventsourcing";
import { uuidv7 } from "@ihp/eventsourcing";

export function newEvent(type: string, data: Record<string, number | string>, traceparent?: string): NewEvent {
  return {
    id: uuidv7(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actorId: "doctor-1",
      actorRole: "doctor",
      tenantId: "hospital-1",
      correlationId: "corr-1",
      causationId: "cause-1",
      occurredAt: "2025-01-01T00:00:00.000Z",
      ...(traceparent === undefined ? {} : { traceparent }),
    },
  };
}

/** The relay child of the crash test, started with tsx and resolving workspace packages to their sources. */
export interface RelayChild {
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  readonly log: () => string;
}

const script = fileURLToPath(new URL("./fixtures/relayProcess.ts", import.meta.url));

export async function spawnRelayChild(env: Record<string, string>): Promise<RelayChild> {
  const child: ChildProcess = spawn(process.execPath, ["--conditions=ihp-source", "--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`relay child exited (${String(code)}) before ready:\n${log}`)));
  });
  return {
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    log: () => log,
  };
}
