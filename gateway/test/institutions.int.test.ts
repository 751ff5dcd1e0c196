import { HospitalGrade } from "@ihp/contracts/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPLODING_NAME, LEAKY_DETAIL, UNKNOWN_SUBJECT } from "./support/fakeServices.js";
import { type Harness, startHarness } from "./support/harness.js";

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInstitutionInput!) {
    registerInstitution(input: $input) {
      id name grade licence { number validFrom validUntil } subjectCodes jurisdiction
      hostInstitutionName hostLicenceNumber regulatorConnected revision
    }
  }
`;

function registerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: "req-1",
    name: "南宁市第一人民医院互联网医院",
    grade: "TERTIARY_A",
    licence: { number: "PDY-450100", validFrom: "2024-01-01", validUntil: "2029-12-31" },
    subjectCodes: ["03.07"],
    jurisdiction: "guangxi",
    hostInstitutionName: "南宁市第一人民医院",
    hostLicenceNumber: "PDY-450000",
    ...overrides,
  };
}

describe("institutions through the gateway", () => {
  let h: Harness;
  let adminToken: string;

  beforeAll(async () => {
    h = await startHarness();
    adminToken = await h.token(["institution_admin"]);
  });
  afterAll(() => h.close());

  it("registers an institution: fields mapped both ways, the caller's token forwarded with a deadline and trace", async () => {
    const before = Date.now();
    const { status, body } = await h.post(REGISTER, { input: registerInput() }, adminToken);

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.["registerInstitution"]).toEqual({
      id: "inst-1",
      name: "南宁市第一人民医院互联网医院",
      grade: "TERTIARY_A",
      licence: { number: "PDY-450100", validFrom: "2024-01-01", validUntil: "2029-12-31" },
      subjectCodes: ["03.07"],
      jurisdiction: "guangxi",
      hostInstitutionName: "南宁市第一人民医院",
      hostLicenceNumber: "PDY-450000",
      regulatorConnected: false,
      revision: "9007199254740993",
    });
    const call = h.services.calls.find((seen) => seen.method === "RegisterInstitution");
    expect(call?.token).toBe(adminToken);
    expect(call?.request).toMatchObject({ requestId: "req-1", grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A, subjectCodes: ["03.07"] });
    // Default call timeout 5 s: the deadline the service saw is set, in the future, and not beyond it.
    expect(call?.deadline).toBeInstanceOf(Date);
    expect(call!.deadline!.getTime()).toBeGreaterThan(before);
    expect(call!.deadline!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(call?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it("continues the client's trace", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { authorization: `Bearer ${adminToken}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: { query: `query { institution(id: "inst-1") { id } }` },
    });
    expect(response.json()).toEqual({ data: { institution: { id: "inst-1" } } });
    expect(h.services.calls.at(-1)?.traceparent).toContain(traceId);
  });

  it("queries an institution; one that does not exist is an error with its NOT_FOUND code, not a silent null (issue 13 item 8)", async () => {
    const { body } = await h.post(`query { a: institution(id: "inst-1") { name grade } b: institution(id: "nope") { name } }`, undefined, adminToken);
    expect(body.data).toEqual({ a: { name: "南宁市第一人民医院互联网医院", grade: "TERTIARY_A" }, b: null });
    expect(body.errors?.map((error) => ({ path: error.path, code: error.extensions?.["code"] }))).toEqual([{ path: ["b"], code: "INSTITUTION_NOT_FOUND" }]);
  });

  it("changes a licence and the regulator connection", async () => {
    const change = await h.post(
      `mutation($input: ChangeLicenceInput!) { changeLicence(input: $input) { licence { number } subjectCodes } }`,
      { input: { requestId: "req-2", institutionId: "inst-1", licence: { number: "PDY-2", validFrom: "2025-01-01", validUntil: "2030-01-01" } } },
      adminToken,
    );
    expect(change.body).toEqual({ data: { changeLicence: { licence: { number: "PDY-2" }, subjectCodes: ["03.07"] } } });
    const connect = await h.post(
      `mutation($input: SetRegulatorConnectionInput!) { setRegulatorConnection(input: $input) { regulatorConnected } }`,
      { input: { requestId: "req-3", institutionId: "inst-1", connected: true, platformReference: "GX-REF-1" } },
      adminToken,
    );
    expect(connect.body).toEqual({ data: { setRegulatorConnection: { regulatorConnected: true } } });
    expect(h.services.calls.at(-1)?.request).toMatchObject({ platformReference: "GX-REF-1", connected: true });
  });

  it("passes a service refusal on with its stable code, rule and plain messages in English and Chinese", async () => {
    const { status, body } = await h.post(REGISTER, { input: registerInput({ requestId: "req-4", subjectCodes: [UNKNOWN_SUBJECT] }) }, adminToken);

    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: "A diagnosis subject code is not on the national list.",
        locations: [{ line: 3, column: 5 }],
        path: ["registerInstitution"],
        extensions: { code: "UNKNOWN_SUBJECT_CODE", messageZh: "当前状态下无法执行此操作。", ruleId: "IDN-03" },
      },
    ]);
  });

  it("turns an unexpected service failure into INTERNAL with a trace id, logged once, leaking nothing", async () => {
    const linesBefore = h.logLines.length;
    const { status, body } = await h.post(REGISTER, { input: registerInput({ requestId: "req-5", name: EXPLODING_NAME }) }, adminToken);

    expect(status).toBe(200);
    const [error] = body.errors ?? [];
    expect(error?.extensions?.["code"]).toBe("INTERNAL");
    expect(error?.message).toBe("Something went wrong on our side. Please try again later.");
    expect(error?.extensions?.["messageZh"]).toBe("系统内部错误，请稍后重试。");
    expect(JSON.stringify(body)).not.toContain("exploded");
    expect(JSON.stringify(body)).not.toContain("张三");
    const traceId = error?.extensions?.["traceId"];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const faults = h.logLines.slice(linesBefore).filter((line) => line.includes("failed unexpectedly"));
    expect(faults).toHaveLength(1);
    expect(faults[0]).toContain(String(traceId));
    // The service kept its detail to itself: what reached the gateway was a bare INTERNAL.
    expect(faults[0]).not.toContain(LEAKY_DETAIL);
  });

  it("refuses a protected query without a token as UNAUTHENTICATED, before calling any service", async () => {
    const calls = h.services.calls.length;
    const { status, body } = await h.post(`query { institution(id: "inst-1") { id } }`);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { institution: null },
      errors: [
        {
          message: "Please sign in.",
          locations: [{ line: 1, column: 9 }],
          path: ["institution"],
          extensions: { code: "UNAUTHENTICATED", messageZh: "请先登录。", reason: "TOKEN_MISSING" },
        },
      ],
    });
    expect(h.services.calls.length).toBe(calls);
  });

  it("refuses a forged or malformed token with the precise reason", async () => {
    const forged = `${adminToken.slice(0, -4)}AAAA`;
    const bad = await h.post(`mutation($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }`, { input: registerInput() }, forged);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_SIGNATURE_INVALID" });

    const response = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { authorization: "Basic dXNlcjpwYXNz" },
      payload: { query: `query { institution(id: "inst-1") { id } }` },
    });
    expect(response.json<{ errors: { extensions: unknown }[] }>().errors[0]?.extensions).toMatchObject({
      code: "UNAUTHENTICATED",
      reason: "TOKEN_MALFORMED",
    });
  });

  it("never logs the token", () => {
    expect(h.logLines.join("\n")).not.toContain(adminToken);
  });
});
