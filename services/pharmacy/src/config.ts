import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

const codeList = z
  .string()
  .transform((text) => text.split(",").map((code) => code.trim()).filter((code) => code !== ""))
  .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, "expected upper-case codes")).min(1));
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (Beijing time)");

/**
 * The pharmacy service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, …; packages/platform/README.md) plus its own.
 */
export const pharmacyConfigSchema = serviceConfigSchema({
  /** host:port of identity's gRPC server (ClinicalAccessService, SignatureService). */
  IDENTITY_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").optional(),
  /** Deadline of each call to identity. */
  IDENTITY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** PHA-03: reason codes a pharmacist may return a prescription with (comma-separated). */
  RETURN_REASON_CODES: codeList.default([
    "DOSE_INAPPROPRIATE",
    "FORM_OR_ROUTE_INAPPROPRIATE",
    "DIAGNOSIS_MISMATCH",
    "DUPLICATE_THERAPY",
    "INTERACTION",
    "SKIN_TEST_NOTE_MISSING",
    "FORMAT_INCOMPLETE",
  ]),
  /** PHA-03: reason codes for rejecting a seriously irrational or erroneous prescription. */
  REJECT_REASON_CODES: codeList.default(["SERIOUSLY_IRRATIONAL", "CONTRAINDICATED", "PRESCRIPTION_ERROR"]),
  /** PHA-06: review hours, Beijing time, and ISO weekdays (1 = Monday). */
  REVIEW_HOURS_OPEN: clockTime.default("08:00"),
  REVIEW_HOURS_CLOSE: clockTime.default("20:00"),
  REVIEW_WEEKDAYS: z
    .string()
    .default("1,2,3,4,5,6,7")
    .transform((text) => text.split(",").map((day) => Number(day.trim())))
    .pipe(z.array(z.number().int().min(1).max(7)).min(1)),
  /** The drug catalogue file (@ihp/drug-catalogue format); unset: the package's illustrative sample. */
  DRUG_CATALOGUE_FILE: z.string().min(1).optional(),
  /** PHA-08: the delivery agreement the embedded local carrier runs under. */
  LOCAL_DELIVERY_AGREEMENT_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/).default("LOCAL-SELF-DELIVERY"),
  /** The dispensing pharmacy recorded on dispensing and dispatch (the institution's own pharmacy by default). */
  /** PHA-06: how often the service checks review coverage of every institution it serves (0: never). */
  COVERAGE_CHECK_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  PHARMACY_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/).default("in-house-pharmacy"),
});

export type PharmacyConfig = z.output<typeof pharmacyConfigSchema>;
