import { DomainError } from "@ihp/eventsourcing";
import { createLogger, type Principal, type Role } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { authorizeFeedRead } from "../src/application/feedAccess.js";
import type { FeedRefusal, RefusalRecorder } from "../src/application/refusals.js";

const logger = createLogger({ name: "test", level: "silent" });

function principal(role: Role, tenantId: string): Principal {
  return { subject: `${role}-1`, roles: [role], tenantId, kind: role === "system" ? "service" : "human" };
}

function recorder(): RefusalRecorder & { readonly refusals: FeedRefusal[] } {
  const refusals: FeedRefusal[] = [];
  return { refusals, refused: (refusal) => Promise.resolve(void refusals.push(refusal)) };
}

async function refusedWith(run: Promise<unknown>): Promise<DomainError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error("expected a DomainError");
  return error;
}

const action = "ListFeed";

describe("who may read the regulator feed", () => {
  it("REP-04: a national regulator reads every jurisdiction, or the one it asks for", async () => {
    const log = recorder();
    expect(await authorizeFeedRead({ principal: principal("regulator", "national"), action, jurisdiction: "" }, log, logger)).toEqual({ jurisdiction: undefined });
    expect(await authorizeFeedRead({ principal: principal("regulator", "national"), action, jurisdiction: "guangxi" }, log, logger)).toEqual({ jurisdiction: "guangxi" });
    expect(log.refusals).toEqual([]);
  });

  it("REP-04: a provincial regulator reads only its own jurisdiction", async () => {
    const log = recorder();
    const tianjin = principal("regulator", "tianjin");
    expect(await authorizeFeedRead({ principal: tianjin, action, jurisdiction: "" }, log, logger)).toEqual({ jurisdiction: "tianjin" });
    expect(await authorizeFeedRead({ principal: tianjin, action, jurisdiction: "tianjin" }, log, logger)).toEqual({ jurisdiction: "tianjin" });
    const error = await refusedWith(authorizeFeedRead({ principal: tianjin, action, jurisdiction: "guangxi" }, log, logger));
    expect([error.code, error.kind]).toEqual(["JURISDICTION_NOT_ALLOWED", "PERMISSION_DENIED"]);
    expect(log.refusals).toMatchObject([{ reason: "JURISDICTION_NOT_ALLOWED", requestedJurisdiction: "guangxi", action }]);
  });

  it("REP-04: the system role (a service credential) is refused like any non-regulator, and the refusal recorded", async () => {
    const log = recorder();
    const error = await refusedWith(authorizeFeedRead({ principal: principal("system", "platform"), action, jurisdiction: "" }, log, logger));
    expect([error.code, error.kind]).toEqual(["ROLE_NOT_ALLOWED", "PERMISSION_DENIED"]);
    expect(log.refusals).toMatchObject([{ reason: "ROLE_NOT_ALLOWED", principal: { roles: ["system"] } }]);
  });

  it("XC-01: every other role is refused with ROLE_NOT_ALLOWED, and the refusal is recorded", async () => {
    for (const role of ["patient", "physician", "pharmacist", "institution_admin", "nurse", "pharmacy_governance"] as const) {
      const log = recorder();
      const error = await refusedWith(authorizeFeedRead({ principal: principal(role, "national"), action, jurisdiction: "" }, log, logger));
      expect([error.code, error.kind]).toEqual(["ROLE_NOT_ALLOWED", "PERMISSION_DENIED"]);
      expect(log.refusals).toMatchObject([{ reason: "ROLE_NOT_ALLOWED", principal: { roles: [role] } }]);
    }
  });

  it("XC-01: a regulator whose tenant is no jurisdiction is refused and recorded", async () => {
    const log = recorder();
    const error = await refusedWith(authorizeFeedRead({ principal: principal("regulator", "hospital-42"), action, jurisdiction: "" }, log, logger));
    expect(error.code).toBe("REGULATOR_JURISDICTION_UNKNOWN");
    expect(log.refusals).toHaveLength(1);
  });

  it("REP-04: an unknown jurisdiction in the request is INVALID_ARGUMENT, after the role check", async () => {
    const log = recorder();
    const error = await refusedWith(authorizeFeedRead({ principal: principal("regulator", "national"), action, jurisdiction: "beijing" }, log, logger));
    expect([error.code, error.kind]).toEqual(["INVALID_JURISDICTION", "INVALID_ARGUMENT"]);
    const patient = await refusedWith(authorizeFeedRead({ principal: principal("patient", "national"), action, jurisdiction: "beijing" }, log, logger));
    expect(patient.code).toBe("ROLE_NOT_ALLOWED");
  });

  it("XC-01: a refusal that cannot be recorded is still a refusal", async () => {
    const failing: RefusalRecorder = { refused: () => Promise.reject(new Error("store closed")) };
    const error = await refusedWith(authorizeFeedRead({ principal: principal("patient", "x"), action, jurisdiction: "" }, failing, logger));
    expect(error.code).toBe("ROLE_NOT_ALLOWED");
  });
});
