import { readFileSync } from "node:fs";
import { AuthenticationError, toGrpcError } from "@ihp/platform";
import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../src/errors/gatewayError.js";
import { GATEWAY_ERRORS } from "../src/errors/gatewayErrors.js";
import { createGatewayCatalog, describePublic } from "../src/errors/publicError.js";

const catalog = createGatewayCatalog([{ UNKNOWN_SUBJECT_CODE: { en: "Unknown subject.", zh: "诊疗科目代码不在国家目录中。" } }]);

describe("describePublic: the one mapping from a failure to what a client sees", () => {
  it("uses a service code's own texts when a service table describes it", () => {
    const grpc = toGrpcError(new DomainError("UNKNOWN_SUBJECT_CODE", "FAILED_PRECONDITION", "service text", "IDN-03"));
    expect(describePublic(grpc, catalog)).toEqual({
      code: "UNKNOWN_SUBJECT_CODE",
      message: "Unknown subject.",
      messageZh: "诊疗科目代码不在国家目录中。",
      status: 409,
      ruleId: "IDN-03",
      internal: false,
    });
  });

  it("reads a bare status without the ihp-error-bin trailer as its kind's generic code, dropping its details", () => {
    const bare = Object.assign(new Error("14 UNAVAILABLE: connect ECONNREFUSED 10.0.0.7:50051"), {
      code: 14,
      details: "connect ECONNREFUSED 10.0.0.7:50051",
    });
    expect(describePublic(bare, catalog)).toMatchObject({
      code: "UNAVAILABLE",
      message: "The service is temporarily unavailable. Please try again later.",
      messageZh: "服务暂时不可用，请稍后重试。",
      internal: false,
    });
    const deadline = { ...bare, code: 4, details: "Deadline exceeded" };
    expect(describePublic(deadline, catalog).code).toBe("DEADLINE_EXCEEDED");
    const unimplemented = { ...bare, code: 12, details: "not implemented" };
    expect(describePublic(unimplemented, catalog)).toMatchObject({ code: "INTERNAL", internal: true });
  });

  it("keeps an unreachable key source retryable instead of sending the user to sign in", () => {
    expect(describePublic(new AuthenticationError("AUTH_UNAVAILABLE"), catalog)).toMatchObject({ code: "AUTH_UNAVAILABLE", status: 503 });
    expect(describePublic(new AuthenticationError("TOKEN_EXPIRED"), catalog)).toMatchObject({
      code: "UNAUTHENTICATED",
      reason: "TOKEN_EXPIRED",
      messageZh: "登录已过期，请重新登录。",
    });
  });

  it("treats anything else as INTERNAL without its message", () => {
    const error = describePublic(new TypeError("cannot read 'name' of undefined (patient 张三)"), catalog);
    expect(error).toEqual({
      code: "INTERNAL",
      message: "Something went wrong on our side. Please try again later.",
      messageZh: "系统内部错误，请稍后重试。",
      status: 500,
      internal: true,
    });
    expect(describePublic(new GatewayError("QUERY_TOO_DEEP", { limit: 16 }), catalog)).toMatchObject({ code: "QUERY_TOO_DEEP", status: 400, limit: 16 });
  });

  it("documents every gateway code in ERRORS.md with its texts", () => {
    const doc = readFileSync(new URL("../ERRORS.md", import.meta.url), "utf8");
    for (const [code, { en, zh, status }] of Object.entries(GATEWAY_ERRORS)) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${code}\``));
      expect(row, code).toBeDefined();
      expect(row).toContain(en);
      expect(row).toContain(zh);
      expect(row).toContain(String(status));
    }
  });
});
