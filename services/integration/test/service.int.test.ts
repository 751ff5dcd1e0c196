import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  IngestStatus,
  IntegrationIngestServiceService,
  IntegrationOutboundServiceService,
  IntegrationQueryServiceService,
  type FollowOutboundResponse,
} from "@ihp/contracts/integration";
import { PrescriptionSigned } from "@ihp/contracts/prescription";
import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationConfigSchema, startIntegrationService } from "../src/index.js";
import { as, collect, connect, refusalOf } from "./support/client.js";
import { adtA04, MllpTestClient, oruR01, parseAck } from "./mllpSamples.js";
import { encounter, fakeIdentity, labResult } from "./support/ingestFixture.js";
import { sendOverTls, TLS } from "./support/tlsClient.js";

const HOSP_A = "hosp-a";
const HOSP_B = "hosp-b";
let dataDir: string;
let issuer: BuiltinIssuer;
let verifier: TokenVerifier;
const logger = createLogger({ name: "integration", level: "silent" });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "integration-svc-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function signedPrescription(institutionId: string, n: number) {
  const payload = PrescriptionSigned.encode(PrescriptionSigned.fromPartial({ prescriptionId: `rx-${n}`, serialNumber: `SN-${n}`, institutionId, patientId: "pat-child" })).finish();
  const stored: StoredEvent = {
    id: uuidv7(Date.now()),
    type: "PrescriptionSigned",
    schemaVersion: 1,
    data: {},
    metadata: { actorId: "doc-1", actorRole: "physician", tenantId: institutionId, correlationId: "c", causationId: "r", occurredAt: "2026-12-06T08:00:00.000Z" },
    streamId: `prescription-${n}`,
    revision: 0,
    position: BigInt(n),
    recordedAt: "2026-12-06T08:00:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
  return envelopedMessage(stored, { subject: "ihp.prescription.v1.PrescriptionSigned", type: "PrescriptionSigned", contentType: "application/x-protobuf; proto=ihp.prescription.v1.PrescriptionSigned", payload });
}

const prescriptionOf = (response: FollowOutboundResponse): string => (JSON.parse(response.entry!.payloadJson) as { prescriptionId: string }).prescriptionId;

describe("integration service over gRPC (issue 17)", () => {
  it("XC-03 / CON-03 / REC-08: institution systems ingest idempotently for their own patients only; consult and the patient read; the outbound feed resumes from the acknowledged position", async () => {
    const bus = new InProcessBus();
    const config = loadConfig(integrationConfigSchema, { SERVICE_NAME: "integration", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
    const service = await startIntegrationService({ config, bus, verifier, logger, identity: fakeIdentity, outboundPollMs: 50 });
    const ingest = connect(IntegrationIngestServiceService, service.grpcPort);
    const query = connect(IntegrationQueryServiceService, service.grpcPort);
    const outbound = connect(IntegrationOutboundServiceService, service.grpcPort);
    const hisA = await issuer.issue({ subject: "svc:his-a", roles: ["integration"], tenantId: HOSP_A });
    const hisB = await issuer.issue({ subject: "svc:his-b", roles: ["integration"], tenantId: HOSP_B });
    const platform = await issuer.issue({ subject: "svc:consult", roles: ["system"], tenantId: "platform" });
    const child = await issuer.issue({ subject: "pat-child", roles: ["patient"], tenantId: "platform" });
    const stranger = await issuer.issue({ subject: "pat-li", roles: ["patient"], tenantId: "platform" });
    try {
      const link = { messageId: "m-link", hisPatientId: "HIS-001", patientId: "pat-child", idNumber: "" };
      expect((await ingest.linkHisPatient(link, as(hisA))).outcome).toEqual({ status: IngestStatus.INGEST_STATUS_ACCEPTED, objectId: "pat-child" });
      expect((await ingest.recordEncounter(encounter, as(hisA))).outcome?.status).toBe(IngestStatus.INGEST_STATUS_ACCEPTED);
      expect((await ingest.attachLabResult(labResult, as(hisA))).outcome?.status).toBe(IngestStatus.INGEST_STATUS_ACCEPTED);
      // XC-03: the same message again: the original outcome, still one result.
      expect((await ingest.attachLabResult(labResult, as(hisA))).outcome).toEqual({ status: IngestStatus.INGEST_STATUS_DUPLICATE, objectId: "LAB-77" });

      // XC-03: institution B's system cannot attach to A's HIS patient; the platform's own service makes no ingest.
      expect((await refusalOf(ingest.attachLabResult({ ...labResult, messageId: "m-b" }, as(hisB)))).code).toBe("HIS_PATIENT_NOT_LINKED");
      expect((await refusalOf(ingest.linkHisPatient({ ...link, messageId: "m-sys" }, as(platform)))).code).toBe("INTEGRATION_CREDENTIAL_REQUIRED");
      expect((await refusalOf(ingest.attachLabResult({ ...labResult, messageId: "m-pat" }, as(child)))).code).toBe("INTEGRATION_CREDENTIAL_REQUIRED");

      // CON-03: consult reads the HIS encounter; B's institution has no such encounter.
      const found = await query.getEncounter({ institutionId: HOSP_A, encounterId: encounter.encounterId }, as(platform));
      expect(found.encounter).toMatchObject({ patientId: "pat-child", recordType: "OUTPATIENT_RECORD", diagnoses: encounter.diagnoses });
      expect((await refusalOf(query.getEncounter({ institutionId: HOSP_B, encounterId: encounter.encounterId }, as(platform)))).code).toBe("INTEGRATION_OBJECT_NOT_FOUND");

      // REC-08: the patient sees one result; another patient is refused.
      const results = await query.listLabResults({ patientId: "pat-child" }, as(child));
      expect(results.results.map((r) => [r.reportId, r.observations.length])).toEqual([["LAB-77", 2]]);
      expect((await refusalOf(query.listLabResults({ patientId: "pat-child" }, as(stranger)))).code).toBe("RESULTS_ACCESS_DENIED");
      expect(JSON.parse((await query.exportPatientFhir({ patientId: "pat-child" }, as(child))).bundleJson)).toMatchObject({ resourceType: "Bundle" });
      // Issue 10, XC-01: the diagnosis, the department and the observation names are sealed in integration's files.
      expect(await filesContaining(dataDir, ["Type 2 diabetes", "Endocrinology", "Fasting glucose"])).toEqual([]);

      // Outbound: A's signed prescriptions reach A's feed only, once each, resumable after acknowledgement.
      await bus.publish(signedPrescription(HOSP_A, 1));
      await bus.publish(signedPrescription(HOSP_B, 2));
      await bus.publish(signedPrescription(HOSP_A, 3));
      const first = collect(outbound.followOutbound({ fromPosition: 0n }, as(hisA)));
      await waitFor(() => first.received.length === 2, 5_000, "two entries for A");
      expect(first.received.map((r) => prescriptionOf(r))).toEqual(["rx-1", "rx-3"]);
      expect((await outbound.acknowledgeOutbound({ position: first.received[0]!.entry!.position }, as(hisA))).acknowledgedPosition).toBe(1n);
      first.cancel();
      // A HIS that reconnects gets what it did not acknowledge, with the same entry id.
      const again = collect(outbound.followOutbound({ fromPosition: 0n }, as(hisA)));
      await waitFor(() => again.received.length === 1, 5_000, "unacknowledged entry again");
      expect(again.received[0]!.entry!.entryId).toBe(first.received[1]!.entry!.entryId);
      again.cancel();
      const b = collect(outbound.followOutbound({ fromPosition: 0n }, as(hisB)));
      await waitFor(() => b.received.length === 1, 5_000, "B's entry");
      expect(prescriptionOf(b.received[0]!)).toBe("rx-2");
      b.cancel();
      expect((await refusalOf(outbound.acknowledgeOutbound({ position: 1n }, as(platform)))).code).toBe("INTEGRATION_CREDENTIAL_REQUIRED");
    } finally {
      ingest.close();
      query.close();
      outbound.close();
      await service.stop("test done");
      await bus.close();
    }
  }, 30_000);

  it("XC-03 / REC-08: with MLLP_PORT set the service wires the HL7 v2 bridge to the same ingest path: ADT^A04 then ORU^R01 → ACK AA, the patient sees the result over gRPC, a resend is AA and still one result", async () => {
    const mllpDir = await mkdtemp(join(tmpdir(), "integration-mllp-"));
    const config = loadConfig(integrationConfigSchema, {
      SERVICE_NAME: "integration",
      DATA_DIR: mllpDir,
      GRPC_PORT: "0",
      SHUTDOWN_GRACE_MS: "500",
      MLLP_PORT: "0",
      MLLP_HOST: "127.0.0.1",
      MLLP_INSTITUTION_ID: HOSP_A,
      MLLP_SENDING_FACILITIES: "HOSPA",
    });
    const service = await startIntegrationService({ config, bus: new InProcessBus(), verifier, logger, identity: fakeIdentity });
    const query = connect(IntegrationQueryServiceService, service.grpcPort);
    const patient = await issuer.issue({ subject: "pat-zhang", roles: ["patient"], tenantId: "platform" });
    expect(service.mllpPort).toBeGreaterThan(0);
    const his = await MllpTestClient.connect(service.mllpPort!);
    try {
      expect((await his.send(adtA04("ADT-1"))).code).toBe("AA");
      expect((await his.send(oruR01("ORU-1"))).code).toBe("AA");
      expect((await his.send(oruR01("ORU-1"))).code).toBe("AA");
      const { results } = await query.listLabResults({ patientId: "pat-zhang" }, as(patient));
      expect(results.map((r) => [r.reportId, r.institutionId, r.observations.length])).toEqual([["LAB-77", HOSP_A, 3]]);
    } finally {
      his.close();
      query.close();
      await service.stop("test done");
      await rm(mllpDir, { recursive: true, force: true });
    }
  }, 30_000);

  it("XC-03: with MLLP_TLS_* set the bridge speaks TLS and wants a client certificate from the configured CA; a partial TLS setting stops the start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "integration-mllp-tls-"));
    const env = {
      SERVICE_NAME: "integration",
      DATA_DIR: dir,
      GRPC_PORT: "0",
      SHUTDOWN_GRACE_MS: "500",
      MLLP_PORT: "0",
      MLLP_HOST: "127.0.0.1",
      MLLP_INSTITUTION_ID: HOSP_A,
      MLLP_SENDING_FACILITIES: "HOSPA",
      MLLP_TLS_CERT_FILE: join(TLS, "server.crt"),
      MLLP_TLS_KEY_FILE: join(TLS, "server.key"),
    };
    try {
      await expect(
        startIntegrationService({ config: loadConfig(integrationConfigSchema, env), bus: new InProcessBus(), verifier, logger, identity: fakeIdentity }),
      ).rejects.toMatchObject({ name: "ConfigError" });
      const config = loadConfig(integrationConfigSchema, { ...env, MLLP_TLS_CA_FILE: join(TLS, "ca.crt") });
      const service = await startIntegrationService({ config, bus: new InProcessBus(), verifier, logger, identity: fakeIdentity });
      try {
        expect(parseAck(await sendOverTls(service.mllpPort!, true, adtA04("TLS-ADT-1")))).toMatchObject({ code: "AA" });
        await expect(sendOverTls(service.mllpPort!, false, adtA04("TLS-ADT-2"))).rejects.toThrow();
      } finally {
        await service.stop("test done");
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
