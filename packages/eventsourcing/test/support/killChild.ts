import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const tsx = createRequire(import.meta.url).resolve("tsx");

/**
 * Runs an appending child (a TypeScript file and its arguments) until it has acknowledged `killAfter` appends ("ack
 * <id>" lines), then SIGKILLs it. Returns the acknowledged ids. A child that ends by itself fails the round with what
 * it said: its exit code, its last stdout line and the end of its stderr.
 */
export function runAndKill(script: string, args: readonly string[], round: number, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--conditions=ihp-source", "--import", tsx, script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const acked: string[] = [];
    let lastLine = "";
    let stderr = "";
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk).slice(-4_000);
    });
    createInterface({ input: proc.stdout }).on("line", (line) => {
      lastLine = line;
      if (line.startsWith("ack ")) acked.push(line.slice(4));
      if (acked.length === killAfter) proc.kill("SIGKILL");
    });
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      if (signal === "SIGKILL") {
        resolve(acked);
        return;
      }
      const said = `exit code ${String(code)}, signal ${String(signal)}, ${acked.length} appends acknowledged (kill planned after ${killAfter}), last stdout line ${JSON.stringify(lastLine)}`;
      reject(new Error(`round ${round}: child ended without being killed (${said})${stderr === "" ? ", no stderr" : `; stderr:\n${stderr}`}`));
    });
  });
}
