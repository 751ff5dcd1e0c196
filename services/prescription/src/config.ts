import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

/**
 * The prescription service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, … — see packages/platform/README.md), read models, the drug catalogue and the two services it calls.
 */
export const prescriptionConfigSchema = serviceConfigSchema({
  /** Catalogue file (packages/drug-catalogue/README.md); unset: the shipped illustrative sample. */
  DRUG_CATALOGUE_FILE: z.string().min(1).optional(),
  /** host:port of the consult service (ConsultContextService). */
  CONSULT_GRPC_ADDRESS: z.string().regex(/^\S+:\d+$/, "expected host:port").optional(),
  /** host:port of the identity service (SignatureService). */
  IDENTITY_GRPC_ADDRESS: z.string().regex(/^\S+:\d+$/, "expected host:port").optional(),
  /** host:port of the reporting service (REP-06 suspensions, asked before each signing); unset: no check. */
  REPORTING_GRPC_ADDRESS: z.string().regex(/^\S+:\d+$/, "expected host:port").optional(),
});

export type PrescriptionConfig = z.output<typeof prescriptionConfigSchema>;
