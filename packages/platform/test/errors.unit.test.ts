import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Metadata, status } from "@grpc/grpc-js";
import { ErrorDetail } from "@ihp/contracts";
import { DomainError, type DomainErrorKind } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  createErrorCatalog,
  describeError,
  ERROR_DETAIL_TRAILER,
  fromGrpcError,
  kindForStatus,
  PLATFORM_ERRORS,
  RemoteError,
  statusForKind,
  toGrpcError,
} from "../src/index.js";

function detailOf(metadata: Metadata): ErrorDetail {
  const [value] = metadata.get(ERROR_DETAIL_TRAILER);
  return ErrorDetail.decode(value as Buffer);
}

describe("toGrpcError", () => {
  it.each<[DomainErrorKind, status]>([
    ["INVALID_ARGUMENT", 3],
    ["FAILED_PRECONDITION", 9],
    ["NOT_FOUND", 5],
    ["ALREADY_EXISTS", 6],
    ["PERMISSION_DENIED", 7],
    ["ABORTED", 10],
  ])("maps DomainError kind %s to status %i with the stable code in ihp-error-bin", (kind, code) => {
    const error = toGrpcError(new DomainError("FIRST_VISIT_NOT_ALLOWED", kind, "First visits are not allowed", "CON-02"));
    expect(error.code).toBe(code);
    expect(error.details).toBe("First visits are not allowed");
    expect(detailOf(error.metadata)).toEqual({
      code: "FIRST_VISIT_NOT_ALLOWED",
      message: "First visits are not allowed",
      ruleId: "CON-02",
    });
  });

  it("maps authentication failures to 16 and an unreachable key source to 14", () => {
    const refused = toGrpcError(new AuthenticationError("TOKEN_EXPIRED", { cause: new Error("exp claim timestamp check failed") }));
    expect(refused.code).toBe(status.UNAUTHENTICATED);
    expect(detailOf(refused.metadata).code).toBe("TOKEN_EXPIRED");
    expect(refused.details).not.toContain("exp claim");
    expect(toGrpcError(new AuthenticationError("AUTH_UNAVAILABLE")).code).toBe(status.UNAVAILABLE);
  });

  it("turns anything else into INTERNAL with a generic message and no internal detail", () => {
    const leaky = Object.assign(new Error("SQLITE_CONSTRAINT: patient 11010519491231002X"), { code: "SQLITE_CONSTRAINT" });
    for (const thrown of [leaky, new TypeError("x is undefined"), "a string", undefined, { code: 5, details: "raw" }]) {
      const error = toGrpcError(thrown);
      expect(error.code).toBe(status.INTERNAL);
      expect(error.details).toBe(PLATFORM_ERRORS.INTERNAL.en);
      expect(detailOf(error.metadata)).toEqual({ code: "INTERNAL", message: PLATFORM_ERRORS.INTERNAL.en, ruleId: "" });
      expect(JSON.stringify(error)).not.toMatch(/SQLITE|1101051949|undefined|raw/);
    }
  });

  it("passes a downstream refusal on with its code, but not a downstream fault", () => {
    const downstream = toGrpcError(new DomainError("PATIENT_NOT_FOUND", "NOT_FOUND", "Patient not found"));
    const relayed = toGrpcError(fromGrpcError(downstream));
    expect(relayed.code).toBe(status.NOT_FOUND);
    expect(detailOf(relayed.metadata).code).toBe("PATIENT_NOT_FOUND");
    const rawServiceError = Object.assign(new Error("14 UNAVAILABLE: connect ECONNREFUSED 10.0.0.7:50051"), {
      code: status.UNAVAILABLE,
      details: "connect ECONNREFUSED 10.0.0.7:50051",
      metadata: new Metadata(),
    });
    const unavailable = toGrpcError(rawServiceError);
    expect(unavailable.code).toBe(status.UNAVAILABLE);
    expect(unavailable.details).not.toContain("10.0.0.7");
    const internal = toGrpcError(fromGrpcError(toGrpcError(new Error("boom"))));
    expect(internal.code).toBe(status.INTERNAL);
  });
});

describe("fromGrpcError", () => {
  it("reads the stable code, kind, message and rule back", () => {
    const error = fromGrpcError(toGrpcError(new DomainError("RX_LIMIT", "FAILED_PRECONDITION", "Too many items", "RX-03")));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: "RX_LIMIT",
      kind: "FAILED_PRECONDITION",
      message: "Too many items",
      ruleId: "RX-03",
      status: 9,
    });
  });

  it("gives a bare status the generic platform code and drops its unvetted details", () => {
    const bare = Object.assign(new Error("4 DEADLINE_EXCEEDED"), {
      code: status.DEADLINE_EXCEEDED,
      details: "Deadline exceeded after 5.001s,LB pick: 0.001s",
      metadata: new Metadata(),
    });
    expect(fromGrpcError(bare)).toMatchObject({
      code: "DEADLINE_EXCEEDED",
      kind: "DEADLINE_EXCEEDED",
      message: PLATFORM_ERRORS.DEADLINE_EXCEEDED.en,
      ruleId: undefined,
    });
    expect(fromGrpcError(new Error("not a grpc error"))).toMatchObject({ code: "INTERNAL", kind: "INTERNAL" });
    const garbled = new Metadata();
    garbled.set(ERROR_DETAIL_TRAILER, Buffer.from([0xff, 0xff, 0xff]));
    expect(fromGrpcError({ code: status.NOT_FOUND, details: "x", metadata: garbled })).toMatchObject({ code: "NOT_FOUND" });
  });

  it("maps every kind to one status and back", () => {
    for (const kind of ["INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "ABORTED", "UNAUTHENTICATED", "DEADLINE_EXCEEDED", "UNAVAILABLE", "INTERNAL"] as const) {
      expect(kindForStatus(statusForKind(kind))).toBe(kind);
    }
    expect(statusForKind("UNAUTHENTICATED")).toBe(16);
    expect(kindForStatus(status.UNIMPLEMENTED)).toBe("INTERNAL");
  });
});

describe("describeError", () => {
  it("has Chinese and English text for every platform code, and falls back sensibly", () => {
    for (const code of Object.keys(PLATFORM_ERRORS)) {
      const text = describeError(code);
      expect(text.en.length, code).toBeGreaterThan(5);
      expect(text.zh, code).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(describeError("TOKEN_EXPIRED").zh).toBe("登录已过期，请重新登录。");
    expect(describeError("SOMETHING_NEW", "FAILED_PRECONDITION")).toEqual(describeError("FAILED_PRECONDITION"));
    expect(describeError("SOMETHING_NEW").en).toBe("The request could not be completed.");
  });

  it("builds one catalog from the services' tables, refusing clashes", () => {
    const describe = createErrorCatalog({ FIRST_VISIT_NOT_ALLOWED: { en: "Online first visits are not allowed.", zh: "互联网医院不得开展首诊。" } });
    expect(describe("FIRST_VISIT_NOT_ALLOWED").zh).toBe("互联网医院不得开展首诊。");
    expect(describe("TOKEN_MISSING")).toEqual(describeError("TOKEN_MISSING"));
    expect(describe("UNKNOWN_CODE", "NOT_FOUND")).toEqual(describeError("NOT_FOUND"));
    expect(() => createErrorCatalog({ INTERNAL: { en: "x", zh: "x" } })).toThrow(/platform code/);
    expect(() => createErrorCatalog({ A: { en: "x", zh: "一" } }, { A: { en: "y", zh: "二" } })).toThrow(/twice/);
  });
});

describe("ERRORS.md", () => {
  it("documents exactly the platform codes, with the statuses and texts the code uses", () => {
    const markdown = readFileSync(join(import.meta.dirname, "..", "ERRORS.md"), "utf8");
    const documented = new Map(
      markdown
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => {
          const [code, grpcStatus, , en, zh] = line.slice(1, -1).split("|").map((cell) => cell.trim());
          return [code!.replaceAll("`", ""), { status: Number.parseInt(grpcStatus!, 10), en, zh }] as const;
        }),
    );
    const expected = new Map(Object.entries(PLATFORM_ERRORS).map(([code, { status: s, en, zh }]) => [code, { status: s, en, zh }]));
    expect(documented).toEqual(expected);
  });
});
