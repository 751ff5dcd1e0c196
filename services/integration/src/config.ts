import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65_535);

/**
 * The integration service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, …; packages/platform/README.md) plus its own.
 */
export const integrationConfigSchema = serviceConfigSchema({
  /** host:port of identity's gRPC server (ClinicalAccessService: verified patients, guardians). */
  IDENTITY_GRPC_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port").optional(),
  IDENTITY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** HL7 v2 MLLP listener (issue 17 item 2): off unless MLLP_PORT is set (0: any free port). */
  MLLP_PORT: port.optional(),
  MLLP_HOST: z.string().min(1).default("0.0.0.0"),
  /** The one institution whose HIS connects to this MLLP listener (MLLP has no credential of its own). */
  MLLP_INSTITUTION_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/).optional(),
  /** MSH-4 sending facilities accepted on the listener (comma-separated). */
  MLLP_SENDING_FACILITIES: z
    .string()
    .default("")
    .transform((text) => text.split(",").map((item) => item.trim()).filter((item) => item !== "")),
  /**
   * MLLP over TLS with client certificates (PEM files): the listener's certificate and key, and the CA that signed
   * the hospital systems' certificates. All three or none; with them a client without a certificate from that CA is
   * refused at the handshake.
   */
  MLLP_TLS_CERT_FILE: z.string().min(1).optional(),
  MLLP_TLS_KEY_FILE: z.string().min(1).optional(),
  MLLP_TLS_CA_FILE: z.string().min(1).optional(),
});

export type IntegrationConfig = z.output<typeof integrationConfigSchema>;
