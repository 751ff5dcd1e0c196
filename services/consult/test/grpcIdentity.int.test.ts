import { credentials } from "@grpc/grpc-js";
import {
  ClinicalObjectKind,
  type ClinicalAccessServiceServer,
  ClinicalAccessServiceService,
  GuardianRelationship,
  type InstitutionServiceServer,
  InstitutionServiceService,
  type SignatureServiceServer,
  SignatureServiceService,
  SignatureAlgorithm,
  SignatureRejection,
  Profession,
  HospitalGrade,
} from "@ihp/contracts/identity";
import { DomainError } from "@ihp/eventsourcing";
import { BuiltinIssuer, createGrpcHandlers, createLogger, RemoteError, type RunningGrpcServer, serveGrpc, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcIdentity } from "../src/adapters/identity/grpcIdentity.js";
import type { Caller } from "../src/index.js";

// A stand-in identity server on port 0 that behaves as the contract says: it verifies the forwarded token and
// answers refusals as gRPC errors with the stable code in the ihp-error-bin trailer.
let server: RunningGrpcServer;
let issuer: BuiltinIssuer;
let adapter: ReturnType<typeof grpcIdentity>;
const seen: string[] = [];
const sessionChecks: { asker: string; clinician: string }[] = [];
let superseded = "-";
const submissions: { submitter: string; signer: string; boundKind: ClinicalObjectKind; boundId: string }[] = [];

beforeAll(async () => {
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const handlers = createGrpcHandlers({ logger: createLogger({ name: "identity-stub", level: "silent" }), verifier });
  const access: Partial<ClinicalAccessServiceServer> = {
    checkReceiving: handlers.unary((request, call) => {
      seen.push(call.principal.subject);
      if (request.departmentCode !== "03.07") return Promise.reject(new DomainError("OUT_OF_SCOPE", "PERMISSION_DENIED", "outside scope", "IDN-06"));
      // An identity that predates regulator_connected answers none (institution "old").
      const regulatorConnected = request.institutionId === "old" ? undefined : request.institutionId === "i";
      return Promise.resolve({ practitionerId: request.practitionerId, profession: Profession.PROFESSION_PHYSICIAN, stepUpId: "su-9", sessionId: "sid-9", regulatorConnected });
    }),
    checkSession: handlers.unary((_request, call) => {
      const clinician = String(call.metadata.get("x-ihp-signer-authorization")[0]);
      sessionChecks.push({ asker: call.principal.subject, clinician });
      if (clinician.endsWith(superseded)) return Promise.reject(new DomainError("SESSION_SUPERSEDED", "PERMISSION_DENIED", "superseded", "IDN-08"));
      return Promise.resolve({ practitionerId: "physician-7", sessionId: "sid-9" });
    }),
    getVerifiedPatient: handlers.unary(() => Promise.reject(new DomainError("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "not verified", "IDN-07"))),
    checkGuardian: handlers.unary(() => Promise.resolve({ verified: true, relationship: GuardianRelationship.GUARDIAN_RELATIONSHIP_PARENT })),
  };
  const institutions: Partial<InstitutionServiceServer> = {
    getInstitution: handlers.unary((request) =>
      Promise.resolve({
        institution: {
          institutionId: request.institutionId,
          name: "示范互联网医院",
          grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
          licence: undefined,
          subjectCodes: ["03.07"],
          jurisdiction: "tianjin",
          hostInstitutionName: "",
          hostLicenceNumber: "",
          regulatorConnected: true,
          revision: 3n,
        },
      }),
    ),
  };
  const signatures: Partial<SignatureServiceServer> = {
    signDocument: handlers.unary((request, call) =>
      Promise.resolve({
        signature: {
          signerId: submissions.push({ submitter: call.principal.subject, signer: String(call.metadata.get("x-ihp-signer-authorization")[0]), boundKind: request.boundKind, boundId: request.boundId }) > 0 ? "physician-7" : "",
          signerProfession: Profession.PROFESSION_PHYSICIAN,
          certificateSerial: "SN-1",
          algorithm: SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3,
          value: Buffer.from([1, 2, 3]),
          signedAt: "2026-03-15T02:00:00Z",
          documentHash: Buffer.from(request.canonicalDocument).subarray(0, 4),
        },
        verification: { valid: true, reasonCode: SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED },
      }),
    ),
    verifySignature: handlers.unary((request) =>
      Promise.resolve({ valid: request.signature?.algorithm === SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3, reasonCode: SignatureRejection.SIGNATURE_REJECTION_UNSPECIFIED }),
    ),
  };
  server = await serveGrpc({
    port: 0,
    services: [
      { definition: ClinicalAccessServiceService, implementation: access as ClinicalAccessServiceServer },
      { definition: InstitutionServiceService, implementation: institutions as InstitutionServiceServer },
      { definition: SignatureServiceService, implementation: signatures as SignatureServiceServer },
    ],
  });
  const serviceToken = await issuer.issue({ subject: "svc:consult", roles: ["system"], tenantId: "platform", kind: "service" });
  adapter = grpcIdentity(`127.0.0.1:${server.port}`, credentials.createInsecure(), () => Promise.resolve(serviceToken));
});

afterAll(async () => {
  adapter?.close();
  await server?.stop(0);
});

async function callerFor(subject: string): Promise<Caller> {
  const token = await issuer.issue({ subject, roles: ["physician"], tenantId: "t-1" });
  return { principal: { subject, roles: ["physician"], tenantId: "t-1", kind: "human" }, token, correlationId: "c-1", trace: {} };
}

describe("grpcIdentity (IdentityPort over identity's gRPC services)", () => {
  it("IDN-03: forwards the caller's own token and returns the step-up grant", async () => {
    const caller = await callerFor("physician-7");
    const grant = await adapter.checkReceiving(caller, { practitionerId: "physician-7", institutionId: "i", departmentCode: "03.07", consultId: "c", patientId: "p" });
    expect(grant).toEqual({ practitionerId: "physician-7", stepUpId: "su-9", sessionId: "sid-9", regulatorConnected: true });
    expect(seen).toContain("physician-7");
    // REP-01: the institution's regulator connection as identity read it, false included; none from an older identity.
    const check = { practitionerId: "physician-7", departmentCode: "03.07", consultId: "c", patientId: "p" };
    expect((await adapter.checkReceiving(caller, { ...check, institutionId: "j" })).regulatorConnected).toBe(false);
    expect((await adapter.checkReceiving(caller, { ...check, institutionId: "old" })).regulatorConnected).toBeUndefined();
  });

  it("IDN-08: asks for the clinician's session under consult's own token, the clinician's as the person's", async () => {
    const caller = await callerFor("physician-7");
    await adapter.checkSession(caller);
    expect(sessionChecks.at(-1)).toEqual({ asker: "svc:consult", clinician: `Bearer ${caller.token}` });
    superseded = caller.token;
    await expect(adapter.checkSession(caller)).rejects.toMatchObject({ code: "SESSION_SUPERSEDED", ruleId: "IDN-08" });
  });

  it("IDN-06, IDN-07: passes identity's refusals on with their stable codes", async () => {
    const caller = await callerFor("physician-7");
    const scope = await adapter.checkReceiving(caller, { practitionerId: "physician-7", institutionId: "i", departmentCode: "04", consultId: "c", patientId: "p" }).catch((error: unknown) => error);
    expect(scope).toBeInstanceOf(RemoteError);
    expect(scope).toMatchObject({ code: "OUT_OF_SCOPE", ruleId: "IDN-06", kind: "PERMISSION_DENIED" });
    await expect(adapter.verifiedPatient(caller, "p")).rejects.toMatchObject({ code: "PATIENT_NOT_VERIFIED", ruleId: "IDN-07" });
  });

  it("reads the institution and converts signatures to event data and back", async () => {
    const caller = await callerFor("physician-7");
    expect(await adapter.institution(caller, "i-1")).toEqual({ institutionId: "i-1", jurisdiction: "tianjin", subjectCodes: ["03.07"], regulatorConnected: true });
    const { signature, verification } = await adapter.sign(caller, { requestId: "r-1", documentType: "CONSULT_SUMMARY", documentId: "c", canonicalDocument: '{"a":1}', boundTo: { kind: "CONSULT", id: "c" } });
    // IDN-09: submitted under consult's own token, the physician's as the signer's, bound to the consult.
    expect(submissions.at(-1)).toEqual({ submitter: "svc:consult", signer: `Bearer ${caller.token}`, boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT, boundId: "c" });
    expect(signature).toEqual({
      signerId: "physician-7",
      certificateSerial: "SN-1",
      algorithm: "SIGNATURE_ALGORITHM_SM2_SM3",
      value: "AQID",
      signedAt: "2026-03-15T02:00:00Z",
      documentHash: Buffer.from('{"a"').toString("hex"),
    });
    // identity's verdict on the signature comes with it (reqcpu): consult need not ask VerifySignature again.
    expect(verification).toEqual({ valid: true, reasonCode: "" });
    expect(await adapter.verify(caller, { canonicalDocument: '{"a":1}', signature, expectedSignerId: "physician-7" })).toEqual({ valid: true, reasonCode: "" });
  });

  it("is refused UNAUTHENTICATED by identity without a valid token", async () => {
    const caller = { ...(await callerFor("x")), token: "not-a-jwt" };
    await expect(adapter.checkGuardian(caller, "g", "c")).rejects.toMatchObject({ code: "TOKEN_MALFORMED" });
  });
});
