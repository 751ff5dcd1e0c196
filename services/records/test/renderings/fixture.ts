import type { OutpatientRecord, RecordSignature } from "../../src/domain/document.js";

export const CONTEXT = { oidRoot: "2.16.156.10011.99.4401" };

const signature = (role: RecordSignature["role"], signerId: string, signerName: string, at: string): RecordSignature => ({
  signerId,
  signerName,
  role,
  algorithm: "SM2-SM3",
  certificateSerial: "0A1B2C",
  value: "c2lnbmF0dXJl",
  documentHash: "ab".repeat(32),
  timestampToken: "dG9rZW4=",
  timestampedAt: at,
});

/** A signed follow-up record with every section filled, two diagnoses, a report, a prescription and media. */
export function signedRecord(): OutpatientRecord {
  return {
    header: {
      documentId: "rec-0001",
      setId: "set-0001",
      version: 1,
      visitAt: "2026-03-02T09:41:27+08:00",
      department: { code: "0301", name: "心血管内科门诊", system: "院内科室代码" },
      visitKind: "FOLLOW_UP",
      priorRecordId: "HIS-MZ-20260110-77",
      consultId: "consult-42",
      patient: {
        patientId: "pat-7",
        hisPatientId: "MZ0099123",
        name: "王小明",
        sex: { code: "1", name: "男性", system: "GB/T 2261.1" },
        birthDate: "1961-07-15",
      },
      custodian: { institutionId: "H440100001", name: "广州市第一人民医院" },
    },
    sections: {
      chiefComplaint: "高血压复诊，头晕3天",
      presentIllness: "患者高血压病史10年。\n近3天晨起头晕，无胸痛。",
      pastHistory: "2型糖尿病5年",
      allergyHistory: "青霉素过敏",
      physicalExamination: { examined: false },
      auxiliaryExaminations: [{ reportId: "lab-900", summary: "糖化血红蛋白 7.1%" }],
      diagnoses: [
        { code: "E11.900", name: "2型糖尿病", system: "ICD-10 国家临床版 2.0", main: false },
        { code: "I10.x00", name: "原发性高血压", system: "ICD-10 国家临床版 2.0", main: true },
      ],
      treatmentAdvice: "继续氨氯地平 5mg 每日一次；监测血压。",
      prescriptions: [{ prescriptionId: "rx-31", serialNumber: "RX20260302000031" }],
    },
    media: [
      {
        mediaId: "media-1",
        kind: "TRANSCRIPT",
        contentType: "application/json",
        sha256: "5d".repeat(32),
        bytes: 2048,
        consultEndedAt: "2026-03-02T09:58:00+08:00",
      },
    ],
    author: { practitionerId: "doc-3", name: "李医生" },
    signatures: [signature("AUTHOR", "doc-3", "李医生", "2026-03-02T02:05:09.123Z")],
  };
}

export function withChanges(record: OutpatientRecord, change: (draft: OutpatientRecord) => OutpatientRecord): OutpatientRecord {
  return change(structuredClone(record));
}

export { signature };
