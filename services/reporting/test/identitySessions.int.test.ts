import { Server, ServerCredentials } from "@grpc/grpc-js";
import { type ClinicalAccessServiceServer, ClinicalAccessServiceService } from "@ihp/contracts/identity";
import { DomainError } from "@ihp/eventsourcing";
import { bearerToken, type Principal, RemoteError, toGrpcError } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identitySessions } from "../src/adapters/identitySessions.js";

// identity's ClinicalAccessService as a stub: it notes which tokens each CheckSession carried, and refuses the one
// clinician token it was told is superseded, as identity does (IDN-08).

const seen: { service: string | undefined; clinician: string }[] = [];
let server: Server;
let port: number;
const unimplemented = (): never => {
  throw new Error("not used");
};

beforeAll(async () => {
  server = new Server();
  const access: ClinicalAccessServiceServer = {
    checkReceiving: unimplemented,
    getVerifiedPatient: unimplemented,
    checkGuardian: unimplemented,
    getPatientForRecord: unimplemented,
    checkReviewer: unimplemented,
    checkSession: (call, done) => {
      const clinician = String(call.metadata.get("x-ihp-signer-authorization")[0]);
      seen.push({ service: bearerToken(call.metadata), clinician });
      if (clinician === "Bearer old-token") {
        done(toGrpcError(new DomainError("SESSION_SUPERSEDED", "PERMISSION_DENIED", "superseded", "IDN-08")));
        return;
      }
      done(null, { practitionerId: "physician-1", sessionId: "session-1" });
    },
  };
  server.addService(ClinicalAccessServiceService, access);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
});
afterAll(() => server.forceShutdown());

describe("identity's CheckSession over gRPC", () => {
  it("IDN-08: asks under reporting's own token with the clinician's beside it, and passes identity's refusal code on", async () => {
    const sessions = identitySessions({ address: `127.0.0.1:${port}`, serviceToken: () => Promise.resolve("reporting-service-token") });
    const principal: Principal = { subject: "physician-1", roles: ["physician"], tenantId: "inst-1", kind: "human", sessionId: "session-1" };
    try {
      await sessions.checkSession({ principal, token: "current-token" });
      const refused = await sessions.checkSession({ principal, token: "old-token" }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RemoteError);
      expect(refused).toMatchObject({ code: "SESSION_SUPERSEDED", kind: "PERMISSION_DENIED", ruleId: "IDN-08" });
      expect(seen).toEqual([
        { service: "reporting-service-token", clinician: "Bearer current-token" },
        { service: "reporting-service-token", clinician: "Bearer old-token" },
      ]);
    } finally {
      sessions.close();
    }
  });
});
