import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

const codeList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(",").map((code) => code.trim()).filter((code) => code !== ""))
    .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9._]{0,63}$/, "expected upper-case codes, comma-separated")).min(1));

/**
 * The consult service's configuration: the platform's variables plus where identity and the read models are, and
 * the settings that are configuration rather than law (the jurisdiction profile carries the law's numbers).
 */
export const consultConfigSchema = serviceConfigSchema({
  /** host:port of identity's gRPC server (InstitutionService, ClinicalAccessService, SignatureService). */
  IDENTITY_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").default("127.0.0.1:50051"),
  /** host:port of the integration service's gRPC server (CON-03 records linked from HIS); unset: none. */
  INTEGRATION_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").optional(),
  /** host:port of the reporting service (REP-06 suspensions, asked before each request, acceptance and start); unset: none. */
  REPORTING_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").optional(),
  /** How long a request waits for a physician before the sweep expires it. */
  CONSULT_ACCEPTANCE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(30),
  /**
   * CON-08: ICD-10 codes (prefixes) of Class-A diseases and those managed as Class A: cholera, plague, pulmonary
   * anthrax (按甲类管理), SARS (按甲类管理). Change it when the health authority's announcements change.
   */
  CONSULT_CLASS_A_CODES: codeList("A00,A20,A22.1,U04"),
  /** CON-07: the defined termination conditions. */
  CONSULT_TERMINATION_REASONS: codeList(
    "CONDITION_CHANGED,FIRST_VISIT,NEEDS_PHYSICAL_EXAMINATION,EMERGENCY,CLASS_A_INFECTIOUS_DISEASE,SUSPECTED_INFECTIOUS_DISEASE,OTHER_UNSUITABLE",
  ),
  /** How often the service expires consults nobody accepted within the window (0: never; a scheduler calls the RPC). */
  CONSULT_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Lifetime of RTC participant tokens. */
  RTC_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
});

export type ConsultConfig = z.output<typeof consultConfigSchema>;
