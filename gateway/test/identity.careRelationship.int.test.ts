import { ConsultStarted } from "@ihp/contracts/consult";
import { type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, type IdentityStack, refusalOf, requestId, residentId, startIdentityStack } from "./support/identityStack.js";

// Issue 13 item 6 through GraphQL: a physician sees a child's age before prescribing through the care relationship
// identity learnt from consult's ConsultStarted on the bus (REC-09); other physicians stay refused.

const REGISTER = `mutation ($input: RegisterPatientInput!) { registerPatient(input: $input) { id } }`;
const GET = `query ($id: ID!) { patient(id: $id) { id idType birthDate sex verified name maskedIdNumber guardians { guardianId } } }`;
const PHYSICIAN = "0193a9f2-7c1d-8e4b-9a6f-00000000d0c1";

let stack: IdentityStack;
let bus: InProcessBus;

beforeAll(async () => {
  bus = new InProcessBus();
  stack = await startIdentityStack({}, bus);
});
afterAll(async () => {
  await stack?.close();
  await bus?.close();
});

function consultStarted(patientId: string, physicianId: string) {
  const now = new Date().toISOString();
  const payload = ConsultStarted.encode({
    consultId: "consult-gw-care-1",
    institutionId: stack.institutionId,
    consultType: "FOLLOW_UP",
    departmentCode: "07",
    patientId,
    physicianId,
    startedAt: now,
    priorRecordId: "",
  }).finish();
  const event: StoredEvent = {
    id: uuidv7(),
    streamId: "consult-consult-gw-care-1",
    type: "ConsultStarted",
    schemaVersion: 1,
    revision: 0,
    position: 1n,
    recordedAt: now,
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
    data: {},
    metadata: { actorId: physicianId, actorRole: "physician", tenantId: stack.institutionId, correlationId: "corr-gw-care", causationId: "req-gw-care", occurredAt: now },
  };
  return envelopedMessage(event, {
    subject: "ihp.consult.v1.ConsultStarted",
    type: "ConsultStarted",
    contentType: "application/x-protobuf; proto=ihp.consult.v1.ConsultStarted",
    payload,
  });
}

describe("patient(id) for the treating physician (issue 13 item 6)", () => {
  it("REC-09: the treating physician reads the child's age and sex (no name, no ID number); another physician is refused", async () => {
    const birthDate = "2020-01-15";
    const registered = await stack.post(REGISTER, {
      input: { requestId: requestId("patient"), institutionId: stack.institutionId, name: "李小四", idType: "RESIDENT_ID_CARD", idNumber: residentId(birthDate), birthDate, sex: "FEMALE" },
    });
    const childId = dataOf<{ id: string }>(registered, "registerPatient").id;
    const doctor = await stack.token(["physician"], stack.institutionId, PHYSICIAN, "human");
    const other = await stack.token(["physician"], stack.institutionId, "0193a9f2-7c1d-8e4b-9a6f-00000000d0c2", "human");

    expect(refusalOf(await stack.post(GET, { id: childId }, doctor)).code).toBe("NO_CARE_RELATIONSHIP");
    await bus.publish(consultStarted(childId, PHYSICIAN));
    expect(dataOf(await stack.post(GET, { id: childId }, doctor), "patient")).toEqual({
      id: childId,
      idType: null,
      birthDate,
      sex: "FEMALE",
      verified: false,
      name: null,
      maskedIdNumber: null,
      guardians: [],
    });
    expect(refusalOf(await stack.post(GET, { id: childId }, other))).toEqual({ code: "NO_CARE_RELATIONSHIP", messageZh: "您只能查看您正在诊治的患者。" });
  });
});
