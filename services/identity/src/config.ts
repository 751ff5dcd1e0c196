import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

/**
 * The identity service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, … — see packages/platform/README.md) plus where the read models live.
 */
export const identityConfigSchema = serviceConfigSchema({
  // Practitioners (IDN-01, IDN-02). See README "Practitioners".
  /** Where registry lookups go: "file" (a JSON registry file; the embedded default) or "http" (the registry gateway). */
  PRACTITIONER_REGISTRY: z.enum(["file", "http"]).default("file"),
  /** The registry file for PRACTITIONER_REGISTRY=file; unset: the shipped demo file (fictitious practitioners). */
  PRACTITIONER_REGISTRY_FILE: z.string().min(1).optional(),
  /** Base URL and client credentials of the registry gateway for PRACTITIONER_REGISTRY=http. */
  PRACTITIONER_REGISTRY_URL: z.url({ protocol: /^https?$/ }).optional(),
  PRACTITIONER_REGISTRY_CLIENT_ID: z.string().min(1).optional(),
  PRACTITIONER_REGISTRY_CLIENT_SECRET: z.string().min(1).optional(),
  /** Institution ids (comma-separated) whose practitioners verify by face match only; "*" for all; empty: none. */
  FACE_MATCH_TENANTS: z
    .string()
    .regex(/^(\*|([0-9a-f-]{36}(,[0-9a-f-]{36})*))?$/, "expected * or comma-separated institution ids")
    .default(""),
  /** Hex key (>= 32 bytes) of the offline face-match stand-in; required when FACE_MATCH_TENANTS is set. */
  FACE_MATCH_HMAC_KEY: z.string().regex(/^([0-9a-f]{2}){32,}$/, "expected at least 64 hex characters").optional(),
  /** Key file sealing practitioners' ID numbers; unset: practitioner-pii.key in DATA_DIR (memory for :memory:). */
  PRACTITIONER_PII_KEY_FILE: z.string().min(1).optional(),
  // Patients, login sessions, step-up and e-signatures (IDN-03, IDN-07, IDN-08, IDN-09). See README "Sessions".
  /** Wrong passwords in a row before the account locks, and for how long. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** A session without clinical activity for this long cannot be used for clinical acts. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** How long a step-up stays fresh (IDN-03). */
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  /**
   * WebAuthn passkeys for step-up (IDN-03): the relying party id (the site's domain), its name shown by the device,
   * the origins (comma-separated) whose pages may answer challenges, and how long a challenge may be answered.
   */
  WEBAUTHN_RP_ID: z.string().regex(/^[a-z0-9.-]{1,253}$/, "expected a domain name").default("localhost"),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default("互联网医院平台"),
  WEBAUTHN_ORIGINS: z
    .string()
    .regex(/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/, "expected comma-separated origins (https://host[:port])")
    .default("http://localhost:4000"),
  WEBAUTHN_CHALLENGE_SECONDS: z.coerce.number().int().min(30).max(600).default(300),
  /** Lifetime of the access tokens Login issues. */
  LOGIN_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** REC-09: how long after a consult ends its physician still reads the patient's minimized facts. */
  CARE_READ_HOURS_AFTER_END: z.coerce.number().int().min(0).max(30 * 24).default(72),
  /** Algorithm of new signing keys and of the embedded CA. */
  SIGNING_ALGORITHM: z.enum(["SM2_SM3", "ECDSA_P256_SHA256"]).default("SM2_SM3"),
  /** Validity of new signing certificates. */
  SIGNING_CERT_DAYS: z.coerce.number().int().min(1).max(5 * 366).default(365),
  /** A licensed CA over HTTPS (HttpCertificateAuthority); unset: the embedded local CA with its key in DATA_DIR. */
  SIGNING_CA_URL: z.url({ protocol: /^https?$/ }).optional(),
  SIGNING_CA_CLIENT_ID: z.string().min(1).optional(),
  SIGNING_CA_CLIENT_SECRET: z.string().min(1).optional(),
  /** The CA's certificate-signing key (trust anchor) for SIGNING_CA_URL: name, algorithm, uncompressed public key hex. */
  SIGNING_CA_NAME: z.string().min(1).optional(),
  SIGNING_CA_ALGORITHM: z.enum(["SM2_SM3", "ECDSA_P256_SHA256"]).optional(),
  SIGNING_CA_PUBLIC_KEY: z.string().regex(/^04[0-9a-fA-F]{128}$/, "expected an uncompressed public key in hex").optional(),
  // Erasure of a subject's keys in every service that holds them (issue 10). See README "Erasure".
  /** The services that hold data keys and must each confirm an erasure (comma-separated contexts). */
  ERASURE_HOLDERS: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$/, "expected comma-separated service contexts")
    .default("identity,consult,prescription,pharmacy,integration,records"),
  /** How often unconfirmed erasure orders are published again. */
  ERASURE_RETRY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** An erasure not confirmed by every holder this long after its request is logged as ERASURE_INCOMPLETE (alert). */
  ERASURE_ALERT_AFTER_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(900),
});

export type IdentityConfig = z.output<typeof identityConfigSchema>;
