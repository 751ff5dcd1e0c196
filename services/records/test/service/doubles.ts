import { createHash, randomBytes } from "node:crypto";
import { RemoteError } from "@ihp/platform";
import type { ConsultPort, ConsultSource, IdentityPort } from "../../src/application/ports.js";

/** Consult's record source as the records service sees it: one completed follow-up consult per id. */
export function consultDouble(sources: Map<string, ConsultSource>): ConsultPort {
  return {
    recordSource(consultId) {
      const source = sources.get(consultId);
      return source === undefined ? Promise.reject(new Error(`no consult ${consultId}`)) : Promise.resolve(source);
    },
  };
}

/** Patients identity knows, by id: their institution and name (the REC-01 header); "" as name: erased. */
export const PATIENTS: Readonly<Record<string, { readonly institutionId: string; readonly name: string }>> = {
  "patient-1": { institutionId: "hosp-1", name: "王芳" },
  "patient-2": { institutionId: "hosp-1", name: "李小明" },
  "patient-erased": { institutionId: "hosp-1", name: "" },
  "patient-elsewhere": { institutionId: "hosp-2", name: "赵外院" },
};

/** Identity's GetPatientForRecord over PATIENTS: the name of a patient of the institution, else PATIENT_NOT_FOUND. */
export function patientForRecordDouble(patientId: string, institutionId: string): Promise<{ name: string; erased: boolean }> {
  const patient = PATIENTS[patientId];
  if (patient === undefined || patient.institutionId !== institutionId) return Promise.reject(new RemoteError("PATIENT_NOT_FOUND", "NOT_FOUND", "The patient was not found.", undefined, 5));
  return Promise.resolve(patient.name === "" ? { name: "已销毁", erased: true } : { name: patient.name, erased: false });
}

/** The login session a test token names for `subject`: the one identity holds current unless told otherwise. */
export const sessionOf = (subject: string): string => `session-${subject}`;

/**
 * Identity's CheckSession (IDN-08) over a table of current sessions (`sessionOf(subject)` when not listed): a person
 * whose token names their account's current session.
 */
export function sessionCheckDouble(sessions: ReadonlyMap<string, string>): IdentityPort["checkSession"] {
  const refused = (code: string) => Promise.reject(new RemoteError(code, "PERMISSION_DENIED", `identity refused: ${code}`, "IDN-08", 7));
  return (caller) => {
    const { kind, sessionId, subject } = caller.principal;
    if (kind !== "human") return Promise.reject(new RemoteError("HUMAN_CLINICIAN_REQUIRED", "PERMISSION_DENIED", "a person", "IDN-03", 7));
    if (sessionId === undefined) return refused("SESSION_REQUIRED");
    if (sessionId !== (sessions.get(subject) ?? sessionOf(subject))) return refused("SESSION_SUPERSEDED");
    return Promise.resolve();
  };
}

/** Identity's answers: named practitioners, no guardianships, and a signature over the submitted document's hash. */
export function identityDouble(names: Readonly<Record<string, string>>): IdentityPort & { readonly signed: string[]; readonly sessions: Map<string, string> } {
  const signed: string[] = [];
  const sessions = new Map<string, string>();
  return {
    signed,
    sessions,
    checkSession: sessionCheckDouble(sessions),
    patientForRecord: patientForRecordDouble,
    practitioner: (practitionerId) => Promise.resolve({ name: names[practitionerId] ?? "", title: "主治医师" }),
    checkGuardian: () => Promise.resolve(false),
    sign(caller, request) {
      signed.push(request.documentId);
      return Promise.resolve({
        signerId: caller.principal.subject,
        algorithm: "ECDSA_P256_SHA256",
        certificateSerial: "01",
        value: randomBytes(64).toString("base64"),
        documentHash: createHash("sha256").update(request.canonicalDocument, "utf8").digest("hex"),
        signedAt: new Date().toISOString(),
      });
    },
  };
}

export function completedConsult(consultId: string): ConsultSource {
  return {
    consultId,
    institutionId: "hosp-1",
    jurisdiction: "national",
    departmentCode: "03.07",
    consultType: "FOLLOW_UP",
    patientId: "patient-1",
    patientBirthDate: "1970-03-12",
    patientSex: "F",
    physicianId: "physician-1",
    startedAt: "2026-12-06T02:03:09.000Z",
    completedAt: "2026-12-06T02:30:00.000Z",
    summary: "胸闷复诊小结：病情稳定",
    diagnoses: [{ code: "I20.9", name: "心绞痛", version: "ICD-10 国家临床版 2.0" }],
    priorRecordId: "prior-1",
    transcript: [{ messageId: "m-1", senderRole: "PATIENT", kind: "TEXT", text: "最近胸闷好转", mediaUri: "", mediaSha256: "", sentAt: "2026-12-06T02:10:00.000Z" }],
  };
}
