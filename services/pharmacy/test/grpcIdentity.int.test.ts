import { type Metadata, Server, ServerCredentials } from "@grpc/grpc-js";
import {
  ClinicalObjectKind,
  type ClinicalAccessServiceServer,
  ClinicalAccessServiceService,
  type SignatureServiceServer,
  SignatureServiceService,
  Profession,
  SignatureAlgorithm,
  SignatureRejection,
} from "@ihp/contracts/identity";
import { DomainError } from "@ihp/eventsourcing";
import { bearerToken, RemoteError, toGrpcError } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcIdentity } from "../src/adapters/identity/grpcIdentity.js";
import { PHYSICIAN_SIGNATURE } from "./support/fixtures.js";

const seen: { method: string; token: string | undefined }[] = [];
let server: Server;
let port: number;

const signing: { signer: string; boundKind: ClinicalObjectKind; boundId: string }[] = [];
const unimplemented = (): never => {
  throw new Error("not used");
};

beforeAll(async () => {
  server = new Server();
  const note = (method: string, metadata: Metadata): void => void seen.push({ method, token: bearerToken(metadata) });
  const signatures: SignatureServiceServer = {
    signDocument: (call, done) => {
      note("SignDocument", call.metadata);
      signing.push({ signer: String(call.metadata.get("x-ihp-signer-authorization")[0]), boundKind: call.request.boundKind, boundId: call.request.boundId });
      done(null, {
        signature: {
          signerId: "pharmacist-1",
          signerProfession: Profession.PROFESSION_PHARMACIST,
          certificateSerial: "C-1",
          algorithm: SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3,
          value: Buffer.from([1, 2, 3]),
          signedAt: "2026-03-02T02:00:00Z",
          documentHash: Buffer.from("ab".repeat(32), "hex"),
        },
        // Pharmacy does not use identity's verdict on the signature it made.
        verification: undefined,
      });
    },
    verifySignature: (call, done) => {
      note("VerifySignature", call.metadata);
      const ok = call.request.signature?.signerProfession === Profession.PROFESSION_PHYSICIAN && call.request.expectedSignerId === "physician-0001";
      done(null, { valid: ok, reasonCode: ok ? SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED : SignatureRejection.SIGNATURE_REJECTION_SIGNER_MISMATCH });
    },
  };
  const access: ClinicalAccessServiceServer = {
    checkReceiving: unimplemented,
    getVerifiedPatient: unimplemented,
    checkGuardian: unimplemented,
    getPatientForRecord: unimplemented,
    checkSession: (call, done) => {
      note("CheckSession", call.metadata);
      const clinician = String(call.metadata.get("x-ihp-signer-authorization")[0]);
      if (clinician === "Bearer old-token") {
        done(toGrpcError(new DomainError("SESSION_SUPERSEDED", "PERMISSION_DENIED", "superseded", "IDN-08")));
        return;
      }
      done(null, { practitionerId: "pharmacist-1", sessionId: clinician });
    },
    checkReviewer: (call, done) => {
      note("CheckReviewer", call.metadata);
      if (call.request.pharmacistId === "novice") {
        done(toGrpcError(new DomainError("REVIEWER_NOT_QUALIFIED", "PERMISSION_DENIED", "not qualified", "PHA-02")));
        return;
      }
      done(null, { pharmacistId: call.request.pharmacistId, affiliation: "CONTRACTED", dispensingYears: 4 });
    },
  };
  server.addService(SignatureServiceService, signatures);
  server.addService(ClinicalAccessServiceService, access);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
});
afterAll(() => server.forceShutdown());

describe("identity over gRPC", () => {
  it("PHA-02, PHA-05: forwards the caller's token, converts signatures, passes identity's refusal code through", async () => {
    const identity = grpcIdentity({ address: `127.0.0.1:${port}`, timeoutMs: 5_000, serviceToken: () => Promise.resolve("service-token") });
    try {
      const signature = await identity.signDocument(
        { requestId: "req-00000001", documentType: "PHARMACIST_REVIEW", documentId: "rx/SN", canonicalDocument: Buffer.from("{}"), prescriptionId: "rx" },
        { token: "caller-token" },
      );
      expect(signature).toMatchObject({ signerProfession: "PHARMACIST", algorithm: "SM2_SM3", valueBase64: "AQID", documentHashHex: "ab".repeat(32) });
      expect(await identity.checkReviewer({ pharmacistId: "pharmacist-1", institutionId: "i-1" }, { token: "caller-token" })).toEqual({
        affiliation: "CONTRACTED",
        dispensingYears: 4,
      });
      const refused = await identity.checkReviewer({ pharmacistId: "novice", institutionId: "i-1" }, { token: "caller-token" }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RemoteError);
      expect(refused).toMatchObject({ code: "REVIEWER_NOT_QUALIFIED", kind: "PERMISSION_DENIED", ruleId: "PHA-02" });
      // The bus consumer has no caller: the service's own token goes out.
      const check = await identity.verifySignature(
        { canonicalDocument: Buffer.from("{}"), signature: PHYSICIAN_SIGNATURE, expectedSignerId: "physician-0001" },
        { token: undefined },
      );
      expect(check).toEqual({ valid: true, reasonCode: "" });
      expect(signing).toEqual([{ signer: "Bearer caller-token", boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION, boundId: "rx" }]);
      expect(seen).toEqual([
        // IDN-09: submitted under pharmacy's own token, the pharmacist's as the signer's, bound to the prescription.
        { method: "SignDocument", token: "service-token" },
        { method: "CheckReviewer", token: "caller-token" },
        { method: "CheckReviewer", token: "caller-token" },
        { method: "VerifySignature", token: "service-token" },
      ]);
    } finally {
      identity.close();
    }
  });

  it("IDN-08: asks for the pharmacist's session under pharmacy's own token, the pharmacist's as the person's", async () => {
    const identity = grpcIdentity({ address: `127.0.0.1:${port}`, timeoutMs: 5_000, serviceToken: () => Promise.resolve("service-token") });
    try {
      seen.length = 0;
      await identity.checkSession({ token: "caller-token" });
      await expect(identity.checkSession({ token: "old-token" })).rejects.toMatchObject({ code: "SESSION_SUPERSEDED", ruleId: "IDN-08" });
      expect(seen).toEqual([
        { method: "CheckSession", token: "service-token" },
        { method: "CheckSession", token: "service-token" },
      ]);
    } finally {
      identity.close();
    }
  });
});
