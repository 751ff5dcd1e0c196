import { type Record as RecordMessage, RecordStatus } from "@ihp/contracts/records";
import { waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consultOf, type Harness, startHarness } from "./harness.js";

// Issue 11 item 1: the header of an originated record names the patient (identity's GetPatientForRecord, asked with the
// records service's own credential) and, when consult's prior record was linked from HIS, the patient's HIS id.

const HIS = "d1000000-0000-7000-8000-000000000001";
const UPLOAD_ERASED = "d2000000-0000-7000-8000-000000000002";
const ELSEWHERE = "d3000000-0000-7000-8000-000000000003";

let h: Harness;
let physician: string;

async function drafted(consultId: string): Promise<RecordMessage> {
  let draft: RecordMessage | undefined;
  await waitFor(
    async () => {
      draft = await h.records.getRecordByConsult({ consultId }, { token: physician }).then((r) => r.record, () => undefined);
      return draft !== undefined;
    },
    10_000,
    `the draft of ${consultId}`,
  );
  return draft!;
}

beforeAll(async () => {
  h = await startHarness({ "physician-1": { name: "王示范", title: "主治医师" } });
  physician = await h.token("physician-1", ["physician"]);
});
afterAll(() => h?.close());

describe("REC-01 record header: patient name and HIS patient id", () => {
  it("REC-01: a consult whose prior record was linked from HIS gives a draft with the encounter's HIS patient id and the patient's name", async () => {
    await h.complete(consultOf(HIS, { patientId: "patient-1", priorRecordId: "ENC-1", hisPatientId: "MZ0099123" }));
    expect(await drafted(HIS)).toMatchObject({ patientId: "patient-1", patientName: "王芳", hisPatientId: "MZ0099123" });
  });

  it("REC-01: an upload names no HIS id; an erased patient's name stays empty (no marker text as a name)", async () => {
    await h.complete(consultOf(UPLOAD_ERASED, { patientId: "patient-erased", priorRecordId: "doc-1" }));
    expect(await drafted(UPLOAD_ERASED)).toMatchObject({ patientId: "patient-erased", patientName: "", hisPatientId: "" });
  });

  it("REC-01: a patient identity does not know at the consult's institution still gets the record drafted, with an empty name", async () => {
    await h.complete(consultOf(ELSEWHERE, { patientId: "patient-elsewhere" }));
    expect(await drafted(ELSEWHERE)).toMatchObject({ patientId: "patient-elsewhere", patientName: "", status: RecordStatus.RECORD_STATUS_DRAFT });
  });
});
