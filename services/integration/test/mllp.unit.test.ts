import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import type { Ingest, IngestOutcome } from "../src/application/ingest.js";
import { frame, MllpDecoder } from "../src/adapters/mllp/index.js";
import { handleMessage, type MllpListenerOptions } from "../src/adapters/mllp/listener.js";
import { adtA04, oruImaging, oruR01, parseAck } from "./mllpSamples.js";

type Call = { readonly method: keyof Ingest; readonly input: Record<string, unknown> };

/** An Ingest double: records each call, answers ACCEPTED, or throws the refusal it is given. */
function ingestDouble(refusal?: DomainError): { ingest: Ingest; calls: Call[] } {
  const calls: Call[] = [];
  const answer = (method: keyof Ingest) => (_sender: unknown, input: Record<string, unknown>): Promise<IngestOutcome> => {
    if (refusal !== undefined) return Promise.reject(refusal);
    calls.push({ method, input });
    return Promise.resolve({ status: "ACCEPTED", objectId: String(input["reportId"] ?? input["hisPatientId"]) });
  };
  return {
    calls,
    ingest: { linkPatient: answer("linkPatient"), recordEncounter: answer("recordEncounter"), attachLabResult: answer("attachLabResult"), attachImagingReport: answer("attachImagingReport") },
  };
}

const silent = { info: () => undefined, warn: () => undefined };
function options(ingest: Ingest): MllpListenerOptions {
  return { ingest, host: "127.0.0.1", port: 0, institutionId: "hosp-a", systemId: "svc:his-a", sendingFacilities: ["HOSPA"], logger: silent };
}
const now = new Date("2026-12-06T08:00:00Z");

describe("MLLP framing (XC-03 HL7 v2 bridge)", () => {
  it("reassembles a frame split over chunks, even between <FS> and <CR>", () => {
    const bytes = frame("MSH|a\rPID|b");
    const decoder = new MllpDecoder();
    expect(decoder.push(bytes.subarray(0, 4))).toEqual([]);
    expect(decoder.push(bytes.subarray(4, bytes.length - 1))).toEqual([]);
    expect(decoder.push(bytes.subarray(bytes.length - 1))).toEqual([{ kind: "frame", payload: Buffer.from("MSH|a\rPID|b") }]);
  });

  it("splits several frames in one chunk and keeps the partial tail for the next chunk", () => {
    const decoder = new MllpDecoder();
    const third = frame("MSH|3");
    const events = decoder.push(Buffer.concat([frame("MSH|1"), Buffer.from("\r\n"), frame("MSH|2"), third.subarray(0, 3)]));
    expect(events.map((e) => (e.kind === "frame" ? e.payload.toString() : e.kind))).toEqual(["MSH|1", "MSH|2"]);
    expect(decoder.push(third.subarray(3)).map((e) => (e.kind === "frame" ? e.payload.toString() : e.kind))).toEqual(["MSH|3"]);
  });

  it("drops a frame over the size limit once, keeps nothing of it, and reads the next frame", () => {
    const decoder = new MllpDecoder(16);
    const big = frame("MSH|" + "x".repeat(40));
    expect(decoder.push(big.subarray(0, 30)).map((e) => e.kind)).toEqual(["oversize"]);
    expect(decoder.push(Buffer.concat([big.subarray(30), frame("MSH|ok")])).map((e) => (e.kind === "frame" ? e.payload.toString() : e.kind))).toEqual(["MSH|ok"]);
  });

  it("reports bytes outside a frame as garbage", () => {
    expect(new MllpDecoder().push(Buffer.from("hello")).map((e) => e.kind)).toEqual(["garbage"]);
  });
});

describe("HL7 v2 mapping onto the ingest path (XC-03)", () => {
  it("XC-03: ADT^A04 links the HIS MRN (PID-3 MR) to the platform patient (PI assigned by IHP) with the resident ID (NNCHN), MSH-10 as message id", async () => {
    const double = ingestDouble();
    const { ack } = await handleMessage(adtA04("ADT-1"), options(double.ingest), now);
    expect(parseAck(ack)).toMatchObject({ code: "AA", controlId: "ADT-1", msa3: "ACCEPTED" });
    expect(double.calls).toEqual([
      { method: "linkPatient", input: { messageId: "ADT-1", hisPatientId: "HIS-001", patientId: "pat-zhang", idNumber: "110101197001011234" } },
    ]);
  });

  it("XC-03: ORU^R01 becomes one lab result with code, system, name, value, unit, range and flag per OBX", async () => {
    const double = ingestDouble();
    const { ack } = await handleMessage(oruR01("ORU-1"), options(double.ingest), now);
    expect(parseAck(ack).code).toBe("AA");
    expect(double.calls).toHaveLength(1);
    expect(double.calls[0]).toEqual({
      method: "attachLabResult",
      input: {
        messageId: "ORU-1",
        hisPatientId: "HIS-001",
        reportId: "LAB-77",
        issuedAt: "2026-11-21T01:30:00.000Z",
        observations: [
          { code: "2345-7", codeSystem: "LOINC", name: "Glucose [Mass/volume] in Serum or Plasma", value: "7.8", unit: "mmol/L", referenceRange: "3.9-6.1", abnormalFlag: "H" },
          { code: "2093-3", codeSystem: "LOINC", name: "Cholesterol [Mass/volume] in Serum or Plasma", value: "4.2", unit: "mmol/L", referenceRange: "<5.2", abnormalFlag: "N" },
          { code: "HBA1C-L", codeSystem: "LOCAL", name: "HbA1c & index", value: "6.9", unit: "%", referenceRange: "4.0-6.0", abnormalFlag: "H" },
        ],
      },
    });
  });

  it("XC-03: an ORU^R01 with a DICOM study UID and an RP pointer becomes an imaging report (findings, impression, DICOMweb URL, no pixel data)", async () => {
    const double = ingestDouble();
    await handleMessage(oruImaging("RIS-MSG-1"), options(double.ingest), now);
    expect(double.calls).toEqual([
      {
        method: "attachImagingReport",
        input: {
          messageId: "RIS-MSG-1",
          hisPatientId: "HIS-001",
          reportId: "RIS-5",
          studyInstanceUid: "1.2.840.113619.2.55.3.604688119.969.1268071029.320",
          modality: "CT",
          findings: "No focal consolidation.",
          impression: "Normal chest CT.",
          retrieveUrl: "https://pacs.hosp-a.example/dicomweb/studies/1.2.840.113619.2.55.3.604688119.969.1268071029.320",
          issuedAt: "2026-11-22T03:00:00.000Z",
        },
      },
    ]);
  });

  const rejections: [string, string, string][] = [
    ["an unknown message type", adtA04("X-1").replace("ADT^A04^ADT_A01", "SIU^S12"), "HL7_UNSUPPORTED_MESSAGE_TYPE"],
    ["a sending facility (MSH-4) not configured", oruR01("X-2", { facility: "HOSPB" }), "HL7_UNKNOWN_SENDING_FACILITY"],
    ["a receiving facility (MSH-6) of another institution", adtA04("X-3", { receiver: "hosp-b" }), "HL7_WRONG_RECEIVING_FACILITY"],
    ["a test message (MSH-11 T)", adtA04("X-4").replace("|P|2.5.1", "|T|2.5.1"), "HL7_UNSUPPORTED_PROCESSING_ID"],
    ["a missing MSH-10", adtA04(""), "HL7_CONTROL_ID_INVALID"],
  ];
  for (const [what, message, code] of rejections) {
    it(`XC-03: ${what} is rejected (AR ${code}) and nothing is ingested`, async () => {
      const double = ingestDouble();
      const ack = parseAck((await handleMessage(message, options(double.ingest), now)).ack);
      expect(ack.code).toBe("AR");
      expect(ack.msa3).toContain(code);
      expect(ack.err).toContain(code);
      expect(double.calls).toEqual([]);
    });
  }

  it("XC-03: content errors (no PID MR id, OBX without OBR, bad OBR-22) are AE with the reason, nothing ingested", async () => {
    const double = ingestDouble();
    const cases: [string, string][] = [
      [oruR01("E-1").replace("HIS-001^^^HOSPA^MR", "HIS-001^^^HOSPA^XX"), "HL7_PATIENT_ID_MISSING"],
      [oruR01("E-2").replace(/OBR\|[^\r]*\r/, ""), "HL7_SEGMENT_MISSING"],
      [oruR01("E-3").replace("20261121093000+0800", "yesterday"), "HL7_INVALID_FIELD"],
      [oruImaging("E-4").replace("113014^DICOM Study^DCM", "SOMETHING^Else^L"), "HL7_STUDY_UID_MISSING"],
    ];
    for (const [message, code] of cases) {
      const ack = parseAck((await handleMessage(message, options(double.ingest), now)).ack);
      expect([ack.code, ack.msa3.split(":")[0]]).toEqual(["AE", code]);
    }
    expect(double.calls).toEqual([]);
  });

  it("XC-03: a frame that is no HL7 message is AR HL7_MALFORMED", async () => {
    const ack = parseAck((await handleMessage("hello world", options(ingestDouble().ingest), now)).ack);
    expect([ack.code, ack.msa3.split(":")[0]]).toEqual(["AR", "HL7_MALFORMED"]);
  });

  it("XC-03: the ingest path's refusals become AE (content, unlinked patient) or AR (unauthorised) with the stable code", async () => {
    const invalid = new DomainError("INVALID_LAB_RESULT", "INVALID_ARGUMENT", "observation 1: bad");
    const denied = new DomainError("WRONG_INSTITUTION", "PERMISSION_DENIED", "another institution");
    const ae = parseAck((await handleMessage(oruR01("R-1"), options(ingestDouble(invalid).ingest), now)).ack);
    const ar = parseAck((await handleMessage(oruR01("R-2"), options(ingestDouble(denied).ingest), now)).ack);
    expect([ae.code, ae.msa3]).toEqual(["AE", "INVALID_LAB_RESULT: observation 1: bad"]);
    expect([ar.code, ar.msa3.split(":")[0]]).toEqual(["AR", "WRONG_INSTITUTION"]);
  });

  it("logs only the control id, message type, ACK code and refusal code, never the message content", async () => {
    const { log } = await handleMessage(adtA04("ADT-9"), options(ingestDouble().ingest), now);
    expect(log).toEqual({ controlId: "ADT-9", messageType: "ADT^A04", ack: "AA", status: "ACCEPTED" });
  });
});
