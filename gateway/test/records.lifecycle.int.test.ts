import { createLogger } from "@ihp/platform";
import { RECORDS_ERRORS } from "@ihp/records";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The records service's own lifecycle harness: the real service (SQLite log, sealing, TSA) with identity and consult doubles.
import { consultOf, type Harness, startHarness } from "../../services/records/test/lifecycle/harness.js";
import type { Record as RecordMessage } from "@ihp/contracts/records";
import { recordsLifecycleModule } from "../src/contexts/records/lifecycleResolvers.js";
import { recordsModule } from "../src/contexts/records/resolvers.js";
import { GATEWAY_ERRORS } from "../src/errors/gatewayErrors.js";
import { createGateway, type Gateway } from "../src/index.js";
import { type FakeServices, startFakeServices } from "./support/fakeServices.js";
import { type Frame, WsClient } from "./support/wsClient.js";

// REC-05 through the gateway: a supervisor watching medicalRecordsAwaitingCosign sees a trainee's signed record arrive,
// co-signs it with cosignMedicalRecord, and sees it leave (sent once more, SIGNED). The real records service behind.

const AWAITING = `subscription { medicalRecordsAwaitingCosign { recordId status authorId } }`;
const COSIGN = `mutation ($input: CosignMedicalRecordInput!) { cosignMedicalRecord(input: $input) { recordId status cosignerId signatures { role signerId timestampedAt } } }`;
const CONSULT = "c9000000-0000-7000-8000-000000000009";

function delivered(frame: Frame): { recordId: string; status: string; authorId: string } {
  expect(frame.type, JSON.stringify(frame)).toBe("next");
  return (frame.payload as { data: { medicalRecordsAwaitingCosign: { recordId: string; status: string; authorId: string } } }).data.medicalRecordsAwaitingCosign;
}

describe("records lifecycle through the gateway (issue 11)", () => {
  let h: Harness;
  let fakes: FakeServices;
  let app: Gateway;
  let wsUrl: string;
  const clients: WsClient[] = [];

  /** Completes the consult and waits for the record drafted from it (the bus consumer drafts it, not the call). */
  const drafted = async (source: Parameters<Harness["complete"]>[0], token: string): Promise<RecordMessage | undefined> => {
    await h.complete(source);
    let draft: RecordMessage | undefined;
    for (let attempt = 0; draft === undefined && attempt < 200; attempt++) {
      draft = await h.records.getRecordByConsult({ consultId: source.consultId }, { token }).then((r) => r.record, () => undefined);
      if (draft === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return draft;
  };

  const post = async (query: string, variables: Record<string, unknown>, token: string) => {
    const response = await app.inject({ method: "POST", url: "/graphql", headers: { authorization: `Bearer ${token}` }, payload: { query, variables } });
    return response.json<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>();
  };

  beforeAll(async () => {
    h = await startHarness({ "trainee-1": { name: "李试用", title: "试用期医师" }, "supervisor-1": { name: "陈主任", title: "主任医师" } });
    const logger = createLogger({ name: "test", level: "silent" });
    fakes = await startFakeServices({ verifier: h.verifier, logger });
    app = await createGateway({
      identity: fakes.address,
      reporting: fakes.address,
      records: h.address,
      modules: [recordsModule, recordsLifecycleModule],
      errorTables: [RECORDS_ERRORS],
      verifier: h.verifier,
      logger,
      graphiql: false,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    wsUrl = `ws://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/graphql`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await app?.close();
    await fakes?.stop();
    await h?.close();
  });

  it("REC-05: the awaiting-co-signature subscription sees the trainee's record arrive and, once co-signed, leave", async () => {
    const supervisor = await h.token("supervisor-1", ["physician"]);
    const trainee = await h.token("trainee-1", ["physician"]);
    const { client, answer } = await WsClient.init(wsUrl, supervisor);
    clients.push(client);
    expect(answer.type).toBe("connection_ack");
    client.subscribe("w", AWAITING);

    const draft = await drafted(consultOf(CONSULT, { patientId: "patient-9", physicianId: "trainee-1" }), trainee);
    const sections = { ...draft!.sections!, chiefComplaint: "头晕三天" };
    const amended = (await h.records.amendRecord({ requestId: "gw-amend-0001", recordId: draft!.recordId, expectedVersion: 1, sections }, { token: trainee })).record!;
    await h.records.signRecord({ requestId: "gw-sign-00001", recordId: draft!.recordId, version: amended.version }, { token: trainee });
    expect(delivered(await client.next(10_000))).toEqual({ recordId: draft!.recordId, status: "PENDING_COSIGN", authorId: "trainee-1" });

    const input = { requestId: "gw-cosign-0001", recordId: draft!.recordId, version: amended.version };
    const refused = await post(COSIGN, { input }, trainee);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "COSIGNER_IS_AUTHOR", messageZh: RECORDS_ERRORS.COSIGNER_IS_AUTHOR.zh });
    const patient = await h.token("patient-9", ["patient"]);
    expect((await post(COSIGN, { input }, patient)).errors?.[0]?.extensions).toMatchObject({ code: "RECORD_LIFECYCLE_DENIED", messageZh: RECORDS_ERRORS.RECORD_LIFECYCLE_DENIED.zh });

    const cosigned = await post(COSIGN, { input }, supervisor);
    expect(cosigned.errors).toBeUndefined();
    expect(cosigned.data?.["cosignMedicalRecord"]).toMatchObject({ status: "SIGNED", cosignerId: "supervisor-1", signatures: [{ role: "AUTHOR" }, { role: "COSIGNER", signerId: "supervisor-1" }] });
    expect(delivered(await client.next(10_000))).toEqual({ recordId: draft!.recordId, status: "SIGNED", authorId: "trainee-1" });
  });

  it("bad input: a negative record version is BAD_USER_INPUT, not INTERNAL (the contract's versions are unsigned)", async () => {
    const supervisor = await h.token("supervisor-1", ["physician"]);
    const recordId = "r9000000-0000-7000-8000-000000000009";
    const SIGN = `mutation ($input: SignMedicalRecordInput!) { signMedicalRecord(input: $input) { recordId } }`;
    const SEAL = `mutation ($input: SealMedicalRecordInput!) { sealMedicalRecord(input: $input) { recordId } }`;
    const attempts = [
      post(COSIGN, { input: { requestId: "gw-cosign-neg01", recordId, version: -1 } }, supervisor),
      post(SIGN, { input: { requestId: "gw-sign-neg0001", recordId, version: -1 } }, supervisor),
      post(SEAL, { input: { requestId: "gw-seal-neg0001", recordId, sealId: "seal-neg-1", version: -1, attestations: [] } }, supervisor),
    ];
    for (const answer of await Promise.all(attempts)) expect(answer.errors?.[0]?.extensions?.["code"], JSON.stringify(answer)).toBe("BAD_USER_INPUT");
  });

  it("bad input: an amend with expectedVersion -1 is BAD_USER_INPUT and writes nothing (the record stays at its draft)", async () => {
    const AMEND = `mutation ($input: AmendMedicalRecordInput!) { amendMedicalRecord(input: $input) { recordId version } }`;
    const physician = await h.token("supervisor-1", ["physician"]);
    const draft = await drafted(consultOf("c9000000-0000-7000-8000-00000000000a", { patientId: "patient-9", physicianId: "supervisor-1" }), physician);
    expect(draft?.version).toBe(1);
    const sections = { ...draft!.sections!, chiefComplaint: "胸闷两天" };
    const answer = await post(AMEND, { input: { requestId: "gw-amend-neg001", recordId: draft!.recordId, expectedVersion: -1, sections } }, physician);
    expect(answer.errors?.[0]?.extensions, JSON.stringify(answer)).toMatchObject({ code: "BAD_USER_INPUT", messageZh: GATEWAY_ERRORS.BAD_USER_INPUT.zh });
    expect(answer.data).toBeNull();
    const after = (await h.records.getRecordByConsult({ consultId: draft!.consultId }, { token: physician })).record;
    expect({ version: after?.version, chiefComplaint: after?.sections?.chiefComplaint }).toEqual({ version: 1, chiefComplaint: draft!.sections!.chiefComplaint });
  });
});
