import { type Metadata, Server, ServerCredentials } from "@grpc/grpc-js";
import {
  type ClinicalAccessServiceServer,
  ClinicalAccessServiceService,
  GuardianRelationship,
  type PatientServiceServer,
  PatientServiceService,
  PatientVerificationMethod,
  Sex,
} from "@ihp/contracts/identity";
import { DomainError } from "@ihp/eventsourcing";
import { bearerToken, RemoteError, toGrpcError } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcIdentity } from "../src/adapters/identity/grpcIdentity.js";
import type { Caller } from "../src/application/caller.js";

const seen: { method: string; token: string | undefined }[] = [];
let server: Server;
let port: number;
const unimplemented = (): never => {
  throw new Error("not used");
};

beforeAll(async () => {
  server = new Server();
  const note = (method: string, metadata: Metadata): void => void seen.push({ method, token: bearerToken(metadata) });
  const access: ClinicalAccessServiceServer = {
    checkReceiving: unimplemented,
    checkReviewer: unimplemented,
    getPatientForRecord: unimplemented,
    checkSession: unimplemented,
    getVerifiedPatient: (call, done) => {
      note("GetVerifiedPatient", call.metadata);
      if (call.request.patientId !== "pat-zhang") return done(toGrpcError(new DomainError("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "not verified")));
      done(null, { patientId: "pat-zhang", birthDate: "1970-01-01", sex: Sex.SEX_FEMALE, verificationMethod: PatientVerificationMethod.PATIENT_VERIFICATION_METHOD_ID_CARD_FACE_MATCH });
    },
    checkGuardian: (call, done) => {
      note("CheckGuardian", call.metadata);
      done(null, { verified: call.request.guardianId === "pat-zhang", relationship: GuardianRelationship.GUARDIAN_RELATIONSHIP_PARENT });
    },
  };
  const patients = {
    getPatient: (call, done) => {
      note("GetPatient", call.metadata);
      if (bearerToken(call.metadata) !== "doc-1-token") return done(toGrpcError(new DomainError("NO_CARE_RELATIONSHIP", "PERMISSION_DENIED", "not treating", "REC-09")));
      done(null, { patient: undefined });
    },
  } as Partial<PatientServiceServer> as PatientServiceServer;
  server.addService(ClinicalAccessServiceService, access);
  server.addService(PatientServiceService, patients);
  port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
});
afterAll(() => server.forceShutdown());

const caller = (token: string): Caller => ({ principal: { subject: "x", roles: ["physician"], tenantId: "hosp-a", kind: "human" }, token, correlationId: "c-1", trace: {} });

describe("integration's identity adapter over gRPC", () => {
  it("checks a verified patient with integration's own token and passes identity's refusal on with its code", async () => {
    const identity = grpcIdentity({ address: `127.0.0.1:${port}`, timeoutMs: 2_000, serviceToken: () => Promise.resolve("svc-token") });
    try {
      expect(await identity.verifiedPatient("pat-zhang")).toEqual({ patientId: "pat-zhang", birthDate: "1970-01-01", sex: "F" });
      const refused = await identity.verifiedPatient("pat-ghost").catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RemoteError);
      expect((refused as RemoteError).code).toBe("PATIENT_NOT_VERIFIED");
      expect(seen.filter((s) => s.method === "GetVerifiedPatient").map((s) => s.token)).toEqual(["svc-token", "svc-token"]);
    } finally {
      identity.close();
    }
  });

  it("XC-03: asks guardianship and the care relationship with the caller's own token; NO_CARE_RELATIONSHIP means not treating", async () => {
    const identity = grpcIdentity({ address: `127.0.0.1:${port}`, timeoutMs: 2_000, serviceToken: () => Promise.resolve("svc-token") });
    try {
      expect(await identity.isTreating(caller("doc-1-token"), "pat-child")).toBe(true);
      expect(await identity.isTreating(caller("doc-2-token"), "pat-child")).toBe(false);
      expect(await identity.checkGuardian(caller("guardian-token"), "pat-zhang", "pat-child")).toBe(true);
      expect(seen.filter((s) => s.method !== "GetVerifiedPatient").map((s) => [s.method, s.token])).toEqual([
        ["GetPatient", "doc-1-token"],
        ["GetPatient", "doc-2-token"],
        ["CheckGuardian", "guardian-token"],
      ]);
    } finally {
      identity.close();
    }
  });
});
