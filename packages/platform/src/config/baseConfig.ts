import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const filePath = z.string().min(1);
const natsServers = z
  .string()
  .refine(
    (value) => value.split(",").every((server) => /^(nats|tls|ws|wss):\/\/[^\s,]+$/.test(server.trim())),
    "expected nats://host:port (comma-separated for several servers)",
  );

/**
 * Variables every service and the gateway read (README.md, "Configuration"). Defaults suit the embedded mode on one
 * machine; the Kubernetes manifests set the rest.
 */
export const baseConfigShape = {
  SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "expected lower-case letters, digits and dashes"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRPC_HOST: z.string().min(1).default("127.0.0.1"),
  GRPC_PORT: port.default(50051),
  GRPC_TLS_CERT_FILE: filePath.optional(),
  GRPC_TLS_KEY_FILE: filePath.optional(),
  GRPC_TLS_CA_FILE: filePath.optional(),
  METRICS_PORT: port.default(9464),
  NATS_URL: natsServers.optional(),
  /**
   * Transit keys that seal bus payloads at rest in JetStream (@ihp/messaging transitSealing.ts): one file, the same
   * in every service and the gateway (a Kubernetes Secret). Required with NATS_URL.
   */
  BUS_TRANSIT_KEY_FILE: filePath.optional(),
  /** JetStream replicas of each context stream (1 on one server; the manifests set 3). Unset: 1. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  /** Byte limit of each context stream (oldest messages dropped beyond it). Unset: unlimited. */
  NATS_STREAM_MAX_BYTES: z.coerce.number().int().min(1).optional(),
  DATA_DIR: filePath.default("./data"),
  /** Event store: a kurrentdb:// (or esdb://) connection string selects KurrentDB; unset, SQLite in DATA_DIR. */
  EVENT_STORE_URL: z
    .string()
    .regex(/^((kurrentdb|kdb|esdb)(\+discover)?|postgres|postgresql):\/\/\S+$/, "expected kurrentdb://… or postgres://…")
    .optional(),
  /**
   * PostgreSQL connection string (distributed mode): read models, their projection checkpoints and the key ring's
   * wrapped data keys (schema "<READ_MODEL_SCHEMA>_keys") live there; unset: SQLite files in DATA_DIR, which replicas
   * sharing one DATA_DIR must not use.
   */
  READ_MODEL_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "expected postgres://user@host:port/database").optional(),
  /** PostgreSQL schema holding the service's read models (must exist); unset: the server's search_path. */
  READ_MODEL_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "expected a lower-case SQL identifier").optional(),
  AUTH_MODE: z.enum(["builtin", "oidc"]).default("builtin"),
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** OAuth 2.0 client credentials a service uses to call others on its own behalf (consumers, sweeps) with OIDC. */
  OIDC_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /** Anchored log (XC-01): how often a service signs a checkpoint of its log head (when it moved); 0: only at stop. */
  CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /**
   * This process's name among the replicas of its service that share one DATA_DIR (the manifests: the pod's name).
   * Each replica then appends its checkpoints to its own local copy, `<context>-log-checkpoints.<REPLICA_ID>.jsonl`:
   * appends from several hosts to one file on a network volume can tear. Unset (one process): no suffix.
   */
  REPLICA_ID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "expected letters, digits, '.', '_' and '-' (a pod name)").optional(),
  /** Folder of the services' checkpoint signing keys (<context>-checkpoint-p256.pem, 0600); unset: ~/.config/ihp/checkpoint-keys. */
  CHECKPOINT_KEY_DIR: filePath.optional(),
  /**
   * Master key file of the key ring that seals personal and clinical fields (@ihp/keyring); unset:
   * ~/.config/ihp/keyring-master.json. Must lie outside DATA_DIR.
   */
  KEYRING_MASTER_KEY_FILE: filePath.optional(),
  /** RFC 3161 time-stamping authority (HTTP) that stamps each checkpoint; unset: none. */
  CHECKPOINT_TSA_URL: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
};

type BaseShape = typeof baseConfigShape;

const OIDC_VARIABLES = ["OIDC_ISSUER", "OIDC_JWKS_URL", "OIDC_AUDIENCE"] as const;

// Cross-variable rules. They run even when other variables are bad (`when`), so one start-up reports everything.
function checkCombinations(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (config["AUTH_MODE"] === "oidc") {
    for (const variable of OIDC_VARIABLES) {
      if (config[variable] === undefined) {
        ctx.addIssue({ code: "custom", path: [variable], message: "required when AUTH_MODE=oidc" });
      }
    }
  }
  if (config["NATS_URL"] !== undefined && config["BUS_TRANSIT_KEY_FILE"] === undefined) {
    ctx.addIssue({ code: "custom", path: ["BUS_TRANSIT_KEY_FILE"], message: "required with NATS_URL: bus payloads are sealed at rest in JetStream" });
  }
  const hasCert = config["GRPC_TLS_CERT_FILE"] !== undefined;
  const hasKey = config["GRPC_TLS_KEY_FILE"] !== undefined;
  if (hasCert !== hasKey) {
    const missing = hasCert ? "GRPC_TLS_KEY_FILE" : "GRPC_TLS_CERT_FILE";
    ctx.addIssue({ code: "custom", path: [missing], message: "TLS needs both GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE" });
  }
  if (config["GRPC_TLS_CA_FILE"] !== undefined && !hasCert) {
    ctx.addIssue({ code: "custom", path: ["GRPC_TLS_CA_FILE"], message: "client certificates need server TLS as well" });
  }
}

/**
 * The base variables plus a service's own, e.g. `serviceConfigSchema({ CONSULT_DB_URL: z.string() })`. A service
 * may not redefine a base variable: one meaning per name across the platform.
 */
export function serviceConfigSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  for (const name of Object.keys(extra)) {
    if (Object.hasOwn(baseConfigShape, name)) throw new Error(`${name} is a base variable and cannot be redefined`);
  }
  const shape = { ...baseConfigShape, ...extra } as BaseShape & Extra;
  return z
    .object(shape)
    .superRefine((config, ctx) => checkCombinations(config, ctx), { when: () => true });
}

export const baseConfigSchema = serviceConfigSchema({});

export type BaseConfig = z.output<typeof baseConfigSchema>;
