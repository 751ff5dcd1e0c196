import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

const address = z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port");

/**
 * The records service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, …; packages/platform/README.md) plus its own.
 */
export const recordsConfigSchema = serviceConfigSchema({
  /** host:port of identity (guardianship, practitioners, e-signatures). */
  IDENTITY_GRPC_ADDRESS: address.optional(),
  /** host:port of consult (ConsultRecordSourceService: a closed consult's clinical source). */
  CONSULT_GRPC_ADDRESS: address.optional(),
  DOWNSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** REC-05: hours after origination during which the author may complete and sign (EMR Norms art. 16). */
  RECORDS_EDIT_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /** REC-07: signing stops when the server clock and the TSA differ by more than this many seconds. */
  RECORDS_MAX_TSA_SKEW_SECONDS: z.coerce.number().min(0).max(3_600).default(5),
  /** REC-05: practitioner titles (identity's `title`) whose records need a supervisor's co-signature, comma-separated. */
  RECORDS_COSIGN_TITLES: z
    .string()
    .default("试用期医师,实习医师,住院医师(试用期)")
    .transform((text) => text.split(",").map((item) => item.trim()).filter((item) => item !== "")),
  /** REC-07: the RFC 3161 TSA (POST application/timestamp-query) and its certificate (PEM file): both or neither. */
  /** REC-02, §9: how often the list of records due for destruction is made (it destroys nothing). */
  RECORDS_RETENTION_REVIEW_HOURS: z.coerce.number().min(1).max(24 * 7).default(24),
  RECORDS_TSA_URL: z.url().optional(),
  RECORDS_TSA_CERT_FILE: z.string().min(1).optional(),
  /**
   * REC-01, REC-03: where media blobs go (sealed with the patient's per-consult media key before they leave the
   * service: the store sees ciphertext only). Default: the folder `<DATA_DIR>/records-blobs` (a temporary folder for
   * DATA_DIR=:memory:); an S3-compatible bucket instead when RECORDS_S3_BUCKET is set.
   */
  RECORDS_BLOB_DIR: z.string().min(1).optional(),
  /**
   * REC-10: the folder of the institutions' e-seal private keys (one PKCS #8 file each, 0600). Default
   * `<DATA_DIR>/records-seal` (the embedded mode); the manifests put it on the key claim, outside DATA_DIR, like the
   * other keys. Moving it means moving the files: a key not found is made anew, and copies sealed with the old one
   * no longer verify (UNKNOWN_SEAL_KEY).
   */
  RECORDS_SEAL_KEY_DIR: z.string().min(1).optional(),
  RECORDS_S3_BUCKET: z.string().min(3).optional(),
  /** e.g. http://minio:9000; unset: AWS itself. */
  RECORDS_S3_ENDPOINT: z.url().optional(),
  RECORDS_S3_REGION: z.string().min(1).default("cn-north-1"),
  RECORDS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  RECORDS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  RECORDS_S3_PREFIX: z.string().default("records-media/"),
  /** "object-lock" (the bucket must have S3 Object Lock: the server enforces retention) or "metadata" (only this service honours it). */
  RECORDS_S3_RETENTION: z.enum(["object-lock", "metadata"]).default("object-lock"),
  /**
   * REC-01: the OID arc under which the CDA and FHIR exports name the platform's own ids (patients, practitioners,
   * consults …). The default is a placeholder under the national health-information arc: set the publishing
   * institution's registered arc before documents leave the platform.
   */
  RECORDS_OID_ROOT: z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/, "expected an OID").default("2.16.156.10011.99.1"),
});

export type RecordsConfig = z.output<typeof recordsConfigSchema>;
