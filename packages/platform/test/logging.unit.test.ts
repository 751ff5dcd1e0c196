import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { createLogger, isSensitiveKey, maskText, maskValue, REDACTED } from "../src/index.js";
import { LogCapture } from "./support/logCapture.js";

const NAME = "张三";
const ID_NUMBER = "11010519491231002X";
const PHONE = "13812345678";
const JWT =
  "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTEiLCJyb2xlcyI6WyJwYXRpZW50Il19.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
const DIAGNOSIS = "2型糖尿病伴血糖控制不佳";

function logger(): { log: ReturnType<typeof createLogger>; capture: LogCapture } {
  const capture = new LogCapture();
  return { log: createLogger({ name: "consult", level: "debug", destination: capture }), capture };
}

describe("createLogger", () => {
  it("writes none of a name, an ID number or a bearer token in clear", () => {
    const { log, capture } = logger();
    log.info(
      {
        patient: { name: NAME, idNumber: ID_NUMBER },
        request: { headers: { authorization: `Bearer ${JWT}` } },
        consultId: "c-42",
      },
      "consult started",
    );
    expect(capture.lines).toHaveLength(1);
    for (const secret of [NAME, ID_NUMBER, JWT]) expect(capture.text).not.toContain(secret);
    const [record] = capture.records();
    expect(record).toMatchObject({
      msg: "consult started",
      service: "consult",
      consultId: "c-42",
      patient: { name: REDACTED, idNumber: REDACTED },
      request: { headers: { authorization: REDACTED } },
    });
  });

  it("masks by key name at any depth, in arrays and in child bindings", () => {
    const { log, capture } = logger();
    const deep = { a: { b: { c: { d: { e: { f: { patient_phone: PHONE, 诊断: DIAGNOSIS, homeAddress: "北京市" } } } } } } };
    log.child({ doctorName: "李四", tenant: "inst-1" }).warn(
      { deep, items: [{ diagnosisText: DIAGNOSIS }, { notes: "复诊" }], dateOfBirth: "1949-12-31" },
      "checked",
    );
    for (const secret of [PHONE, DIAGNOSIS, "北京市", "李四", "复诊", "1949-12-31"]) {
      expect(capture.text).not.toContain(secret);
    }
    expect(capture.records()[0]).toMatchObject({ tenant: "inst-1", doctorName: REDACTED });
  });

  it("scans messages, error texts and free strings for ID numbers, phone numbers and tokens", () => {
    const { log, capture } = logger();
    log.info(`lookup of ${ID_NUMBER} by ${PHONE}`);
    log.error(new Error(`patient ${ID_NUMBER} not found; caller sent Bearer ${JWT}`));
    log.warn({ err: new Error(`phone +86 ${PHONE}`), detail: `token=${JWT}` });
    for (const secret of [ID_NUMBER, PHONE, JWT]) expect(capture.text).not.toContain(secret);
    const [first, second] = capture.records();
    expect(first?.["msg"]).toBe(`lookup of ${REDACTED} by ${REDACTED}`);
    expect(second?.["err"]).toMatchObject({ type: "Error", message: expect.stringContaining(REDACTED) as unknown });
  });

  it("keeps errors readable: type, code and message of a DomainError", () => {
    const { log, capture } = logger();
    log.info({ err: new DomainError("FIRST_VISIT_NOT_ALLOWED", "FAILED_PRECONDITION", "First visits are not allowed") });
    expect(capture.records()[0]?.["err"]).toMatchObject({
      type: "DomainError",
      code: "FIRST_VISIT_NOT_ALLOWED",
      kind: "FAILED_PRECONDITION",
      message: "First visits are not allowed",
    });
  });

  it("leaves ids, timestamps and hashes alone", () => {
    const harmless = {
      eventId: "0190f5c2-7a3b-7cde-8f01-23456789abcd",
      occurredAt: "2025-03-01T08:00:00.000Z",
      epochMs: 1740816000000,
      hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      position: "123456789012345678",
      serviceName: "consult",
      // Random hex ids whose digits happen to run eleven long from a 1: not phone numbers (a span id once was cut).
      span_id: "16766293025a8f62",
      trace_id: "a13812345678ffee66e9f0e5d64e0165",
    };
    expect(maskValue(harmless)).toEqual(harmless);
  });

  it("survives cycles and very deep objects", () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic["self"] = cyclic;
    expect(maskValue(cyclic)).toEqual({ id: 1, self: "[Circular]" });
    let deep: Record<string, unknown> = { idCard: ID_NUMBER };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(JSON.stringify(maskValue(deep))).not.toContain(ID_NUMBER);
  });

  it("recognises sensitive keys in camel, snake and Chinese spelling", () => {
    for (const key of ["patientName", "patient_name", "ID_CARD_NO", "mobilePhone", "access_token", "身份证号", "Authorization"]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
    for (const key of ["serviceName", "consultId", "tenant", "status", "method", "hostname"]) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
    expect(maskText("call 0086 13912345678?")).toBe("call 0086 13912345678?".replace("13912345678", REDACTED));
  });
});
