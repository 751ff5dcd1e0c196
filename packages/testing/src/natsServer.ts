import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** The NATS server shared by test files (a JetStream-enabled nats-server the machine runs). */
export function sharedNatsUrl(): string {
  return process.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
}

/** A private nats-server for tests that stop, kill or restart it. */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** JetStream store directory; kept across stop, kill and restart. */
  readonly storeDir: string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the process to exit: a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and store (stopping it first if it runs); resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  dispose(): Promise<void>;
}

/** nats-server on PATH, or where Debian puts it; NATS_SERVER_BIN overrides. undefined when there is none. */
export function findNatsServer(): string | undefined {
  const candidates = [
    process.env["NATS_SERVER_BIN"],
    ...(process.env["PATH"] ?? "").split(delimiter).map((dir) => (dir === "" ? undefined : join(dir, "nats-server"))),
    "/usr/sbin/nats-server",
    "/usr/local/bin/nats-server",
  ];
  return candidates.find((path): path is string => path !== undefined && isExecutable(path));
}

/** Launches `nats-server -js` on 127.0.0.1, a free port and a fresh temporary store. */
export async function startNatsServer(): Promise<NatsServerHandle> {
  const binary = findNatsServer();
  if (binary === undefined) throw new Error("nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)");
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), "ihp-nats-"));
  const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir];
  let running: RunningServer | undefined = await launch(binary, args, port);

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const server = running;
    running = undefined;
    if (server !== undefined) await server.end(signal);
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
    async restart() {
      await end("SIGTERM");
      running = await launch(binary, args, port);
    },
    async dispose() {
      await end("SIGTERM");
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

interface RunningServer {
  end(signal: NodeJS.Signals): Promise<void>;
}

// Servers a test forgot to stop must not outlive the test process.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

async function launch(binary: string, args: readonly string[], port: number): Promise<RunningServer> {
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  live.add(child);
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      live.delete(child);
      resolve();
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (hasExited) throw new Error(`nats-server exited before accepting connections:\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nats-server did not accept connections on port ${port} within 15 s:\n${log}`);
    }
    await delay(20);
  }
  return {
    async end(signal) {
      if (!hasExited) child.kill(signal);
      await exited;
    },
  };
}

/** True once something listens on the port and speaks first (NATS sends INFO on connect). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("data", (data: Buffer) => finish(data.toString("latin1").startsWith("INFO")));
    socket.once("error", () => finish(false));
    socket.setTimeout(1_000, () => finish(false));
  });
}

/**
 * Ports below Linux's default ephemeral range (32768–60999): a port the OS hands out for port 0 or an outgoing
 * connection can be taken by any of those between freePort() and the server's bind (seen in CI: EADDRINUSE for a
 * service of the distributed e2e test); one from here can only be taken by another explicit choice.
 */
const CHOSEN_PORTS = { from: 20_000, to: 32_000 };
/** Ports this process already handed out, so two callers never get the same one before either binds it. */
const handedOut = new Set<number>();

/** A TCP port free on 127.0.0.1 right now (for servers that must be told their port before they start). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = CHOSEN_PORTS.from + Math.floor(Math.random() * (CHOSEN_PORTS.to - CHOSEN_PORTS.from));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  return bindable(0);
}

/** Binds `port` (0: any) on 127.0.0.1 and lets it go: the port bound, or 0 (false) when it was taken. */
function bindable(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(0));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
