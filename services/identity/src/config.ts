import { serviceConfigSchema } from "@ihp/platform";
import { z } from "zod";

/**
 * The identity service's configuration: the platform's variables (SERVICE_NAME, GRPC_PORT, DATA_DIR, NATS_URL,
 * AUTH_MODE, … — see packages/platform/README.md) plus where the read models live.
 */
export const identityConfigSchema = serviceConfigSchema({
  /** PostgreSQL connection string for the read models (distributed mode); unset: SQLite in DATA_DIR. */
  READ_MODEL_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "expected postgres://user@host:port/database")
    .optional(),
  /** PostgreSQL schema holding this service's read models (must exist); unset: the server's search_path. */
  READ_MODEL_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "expected a lower-case SQL identifier")
    .optional(),
});

export type IdentityConfig = z.output<typeof identityConfigSchema>;
