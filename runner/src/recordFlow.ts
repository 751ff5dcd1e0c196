import { type FlowActors, must, runClinicalFlow } from "./clinicalFlow.js";
import type { DemoSeed } from "./demoSeed.js";
import { graphql } from "./graphqlClient.js";
import { stepUp } from "./passkeySteps.js";

// The outpatient record of a closed consult (issue 11, REC-01, REC-04, REC-07), as the physician's workbench drives
// it through GraphQL: wait for the draft the records service assembles when the consult closes, complete it (amend),
// step up for the consult and sign. Used by the demo seed and the end-to-end test, so both exercise the same calls.

export const RECORD_FIELDS = `recordId version status authorId authorName completedAt visitAt visitKind priorRecordId
  sections { chiefComplaint presentIllness pastHistory allergyHistory examined examinationFindings treatmentAdvice
    diagnoses { code name system main } auxiliaryExaminations { reportId summary } prescriptions { prescriptionId serialNumber } }
  media { mediaId kind sha256 bytes } signatures { signerId signerName role value documentHash timestampToken timestampedAt }`;

export interface RecordView {
  readonly recordId: string;
  readonly version: number;
  readonly status: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly completedAt: string | null;
  readonly visitAt: string;
  readonly visitKind: string;
  readonly priorRecordId: string | null;
  readonly sections: {
    readonly chiefComplaint: string;
    readonly treatmentAdvice: string;
    readonly examined: boolean;
    readonly diagnoses: readonly { readonly code: string; readonly name: string; readonly system: string; readonly main: boolean }[];
  } & Record<string, unknown>;
  readonly media: readonly { readonly mediaId: string; readonly kind: string; readonly sha256: string; readonly bytes: number }[];
  readonly signatures: readonly { readonly signerId: string; readonly signerName: string; readonly role: string; readonly value: string; readonly documentHash: string; readonly timestampToken: string; readonly timestampedAt: string }[];
}

/** The draft of a closed consult, once the records service has assembled it from the bus event (REC-01). */
export async function awaitDraftRecord(url: string, token: string, consultId: string): Promise<RecordView> {
  const query = `query ($consultId: ID!) { medicalRecordOfConsult(consultId: $consultId) { ${RECORD_FIELDS} } }`;
  for (let attempt = 0; ; attempt++) {
    const response = await graphql<{ medicalRecordOfConsult: RecordView | null }>(url, query, { consultId }, token);
    const record = response.data?.medicalRecordOfConsult;
    if (record !== undefined && record !== null) return record;
    if (attempt >= 400) throw new Error(`no record for consult ${consultId}: ${JSON.stringify(response.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The physician completes the draft: chief complaint and history filled, the consult's diagnoses and advice kept. */
export async function completeRecord(actors: FlowActors, key: string, draft: RecordView): Promise<RecordView> {
  const { sections } = draft;
  return must<RecordView>(
    actors.url,
    `mutation ($input: AmendMedicalRecordInput!) { amendMedicalRecord(input: $input) { ${RECORD_FIELDS} } }`,
    {
      input: {
        requestId: `${key}-amend-record`,
        recordId: draft.recordId,
        expectedVersion: draft.version,
        sections: {
          chiefComplaint: "2型糖尿病复诊，续药。",
          presentIllness: "确诊2型糖尿病3年，口服二甲双胍，近期空腹血糖7.2 mmol/L。",
          pastHistory: "无特殊。",
          allergyHistory: "否认药物过敏史。",
          examined: false,
          examinationFindings: "",
          auxiliaryExaminations: [],
          diagnoses: sections.diagnoses,
          treatmentAdvice: sections.treatmentAdvice,
          prescriptions: [],
        },
      },
    },
    actors.physicianToken,
    "amendMedicalRecord",
  );
}

/** The author signs the version they read, after a step-up bound to the record's consult (IDN-03, REC-07). */
export async function signRecord(actors: FlowActors, key: string, consultId: string, record: RecordView): Promise<RecordView> {
  await stepUp(actors.url, actors.physicianToken, { consultId }, actors.passkeys.physician, `${key}-record-step-up`);
  return must<RecordView>(
    actors.url,
    `mutation ($input: SignMedicalRecordInput!) { signMedicalRecord(input: $input) { ${RECORD_FIELDS} } }`,
    { input: { requestId: `${key}-sign-record`, recordId: record.recordId, version: record.version } },
    actors.physicianToken,
    "signMedicalRecord",
  );
}

/**
 * The demo seed's signed record (issue 11): one follow-up consult of the demo patient with the demo physician, closed,
 * its record completed and signed. Fixed request ids under `key`; when the demo patient already has a signed record
 * (a restart on the same data) that one is returned.
 */
export async function seedSignedRecord(url: string, demo: DemoSeed, key = "demo-record-1"): Promise<RecordView> {
  const actors: FlowActors = {
    url,
    institutionId: demo.institutionId,
    patientToken: demo.tokens["patient"] ?? "",
    physicianToken: demo.tokens["physician"] ?? "",
    pharmacistToken: demo.tokens["pharmacist"] ?? "",
    passkeys: demo.staff.passkeys,
  };
  // A restart (same data) finds the signed record of the first run: the consult flow is not repeated.
  const existing = await graphql<{ patientMedicalRecords: RecordView[] }>(url, `{ patientMedicalRecords { ${RECORD_FIELDS} } }`, {}, actors.patientToken);
  const signed = existing.data?.patientMedicalRecords.find((record) => record.status === "SIGNED");
  if (signed !== undefined) return signed;
  const { consultId } = await runClinicalFlow(actors, key, { prescribe: false });
  const draft = await awaitDraftRecord(url, actors.physicianToken, consultId);
  if (draft.status !== "DRAFT") return draft;
  const completed = draft.version === 1 ? await completeRecord(actors, key, draft) : draft;
  return signRecord(actors, key, consultId, completed);
}
