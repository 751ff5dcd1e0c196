import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { DomainError, isDomainError, REQUEST_ID_ERRORS } from "@ihp/eventsourcing";
import { CONSULT_ERRORS, refusal as consultRefusal } from "@ihp/consult/errors";
import { IDENTITY_ERRORS, refusal as identityRefusal } from "@ihp/identity/errors";
import { PHARMACY_ERRORS, refusal as pharmacyRefusal } from "@ihp/pharmacy/errors";
import { PRESCRIPTION_ERRORS, refusal as prescriptionRefusal } from "@ihp/prescription/errors";
import { invalidCursor, toGrpcError } from "@ihp/platform";
import { createGatewayCatalog, describePublic } from "../../gateway/src/errors/publicError.js";

// The platform and the gateway recognise refusals by instanceof. That holds only while every package loads the one
// @ihp/eventsourcing (here: its source, through the "ihp-source" condition); a second copy (say dist beside source)
// would turn every refusal into INTERNAL. This pins the single copy down.
describe("XC-02: one DomainError class across services, platform and gateway", () => {
  const refusals = [
    consultRefusal("REQUEST_ID_REQUIRED"),
    identityRefusal("REQUEST_ID_REQUIRED"),
    pharmacyRefusal("REQUEST_ID_REQUIRED"),
    prescriptionRefusal("REQUEST_ID_REQUIRED"),
    invalidCursor(),
  ];

  it("XC-02: every service's refusal is the same class", () => {
    for (const error of refusals) expect(error).toBeInstanceOf(DomainError);
  });

  it("XC-02: the platform maps each to its kind's status and the gateway to its code, not to INTERNAL", () => {
    const catalog = createGatewayCatalog();
    for (const error of refusals) {
      expect(isDomainError(error)).toBe(true);
      expect(toGrpcError(error).code).toBe(status.INVALID_ARGUMENT);
      expect(describePublic(error, catalog).code).toBe(error.code);
    }
  });

  it("XC-02: an error that only looks like a refusal is not one", () => {
    const lookalike = Object.assign(new Error("x"), { name: "DomainError", code: "REQUEST_ID_REQUIRED", kind: "INVALID_ARGUMENT" });
    expect(isDomainError(lookalike)).toBe(false);
    expect(toGrpcError(lookalike).code).toBe(status.INTERNAL);
  });
});

describe("XC-02: request-id refusals are written once", () => {
  it("XC-02: every service's table holds the shared entries, not copies of their text", () => {
    for (const table of [CONSULT_ERRORS, IDENTITY_ERRORS, PHARMACY_ERRORS, PRESCRIPTION_ERRORS]) {
      expect(table.REQUEST_ID_REQUIRED).toBe(REQUEST_ID_ERRORS.REQUEST_ID_REQUIRED);
      expect(table.INVALID_REQUEST_ID).toBe(REQUEST_ID_ERRORS.INVALID_REQUEST_ID);
    }
  });
});
