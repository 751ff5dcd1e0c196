import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import type { SuspensionPort } from "../src/application/suspensions.js";
import { prescriptionConfigSchema, startPrescriptionService } from "../src/index.js";
import { InMemoryConsults, InMemorySessions, InMemorySignatures } from "./support/ports.js";

// REP-06: a prescription service started without REPORTING_GRPC_ADDRESS cannot learn of suspended drugs or
// clinicians; it says so once at start, at warn, with a stable code.

const noSuspensions: SuspensionPort = { active: () => Promise.resolve([]) };

async function startedLines(suspensions: boolean): Promise<{ level: number; code?: string; msg: string }[]> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const dataDir = await mkdtemp(join(tmpdir(), "prescription-warn-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const bus = new InProcessBus();
  const config = loadConfig(prescriptionConfigSchema, { SERVICE_NAME: "prescription", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000" });
  const service = await startPrescriptionService({
    config,
    bus,
    verifier: TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience }),
    logger: createLogger({ name: "prescription", level: "info", destination }),
    consults: new InMemoryConsults(),
    signatures: new InMemorySignatures(),
    sessions: new InMemorySessions(),
    ...(suspensions ? { suspensions: noSuspensions } : {}),
  });
  await service.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
  return lines.flatMap((line) => line.split("\n")).filter((line) => line !== "").map((line) => JSON.parse(line) as { level: number; code?: string; msg: string });
}

describe("prescription without reporting (REP-06)", () => {
  it("REP-06: one warn line SUSPENSION_CHECKS_OFF when REPORTING_GRPC_ADDRESS is not set, none with a suspension check", async () => {
    const warned = (await startedLines(false)).filter((line) => line.code === "SUSPENSION_CHECKS_OFF");
    expect(warned).toHaveLength(1);
    expect(warned[0]?.level).toBe(40);
    expect(warned[0]?.msg).toMatch(/REPORTING_GRPC_ADDRESS/);
    expect((await startedLines(true)).filter((line) => line.code === "SUSPENSION_CHECKS_OFF")).toEqual([]);
  });
});
