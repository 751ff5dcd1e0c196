import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import type { SuspensionPort } from "../src/application/suspensions.js";
import { consultConfigSchema, startConsultService } from "../src/index.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

// REP-06: a consult service started without REPORTING_GRPC_ADDRESS cannot learn of suspended departments or
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
  const dataDir = await mkdtemp(join(tmpdir(), "consult-warn-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const bus = new InProcessBus();
  const config = loadConfig(consultConfigSchema, { SERVICE_NAME: "consult", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000", CONSULT_EXPIRY_SWEEP_SECONDS: "0" });
  const service = await startConsultService({
    config,
    bus,
    verifier: TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience }),
    identity: new InMemoryIdentity(),
    logger: createLogger({ name: "consult", level: "info", destination }),
    ...(suspensions ? { suspensions: noSuspensions } : {}),
  });
  await service.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
  return lines.flatMap((line) => line.split("\n")).filter((line) => line !== "").map((line) => JSON.parse(line) as { level: number; code?: string; msg: string });
}

describe("consult without reporting (REP-06)", () => {
  it("REP-06: one warn line SUSPENSION_CHECKS_OFF when REPORTING_GRPC_ADDRESS is not set, none with a suspension check", async () => {
    const warned = (await startedLines(false)).filter((line) => line.code === "SUSPENSION_CHECKS_OFF");
    expect(warned).toHaveLength(1);
    expect(warned[0]?.level).toBe(40);
    expect(warned[0]?.msg).toMatch(/REPORTING_GRPC_ADDRESS/);
    expect((await startedLines(true)).filter((line) => line.code === "SUSPENSION_CHECKS_OFF")).toEqual([]);
  });
});
