import { hostname } from "node:os";
import { type BaseConfig, baseConfigSchema, ConfigError, type ConfigProblem, type Environment, loadConfig } from "@ihp/platform";

/** The gateway's settings: the platform's base variables (README of @ihp/platform) plus its own below. */
export interface GatewayConfig extends BaseConfig {
  readonly GATEWAY_HOST: string;
  readonly GATEWAY_PORT: number;
  readonly IDENTITY_GRPC_URL: string;
  readonly REPORTING_GRPC_URL: string;
  /** Optional: without them the consult, prescription and pharmacy fields answer SERVICE_NOT_CONFIGURED. */
  readonly CONSULT_GRPC_URL: string | undefined;
  readonly PRESCRIPTION_GRPC_URL: string | undefined;
  readonly PHARMACY_GRPC_URL: string | undefined;
  /** Optional: the integration service (patients' lab results and imaging reports, REC-08). */
  readonly INTEGRATION_GRPC_URL: string | undefined;
  /** Optional: the records service (outpatient records, their versions and access log; issue 11). */
  readonly RECORDS_GRPC_URL: string | undefined;
  readonly GATEWAY_GRAPHIQL: boolean;
  readonly GATEWAY_INSTANCE_ID: string;
  readonly GATEWAY_CALL_TIMEOUT_MS: number;
  readonly GATEWAY_GRPC_CA_FILE: string | undefined;
  readonly GATEWAY_TLS_CERT_FILE: string | undefined;
  readonly GATEWAY_TLS_KEY_FILE: string | undefined;
  /** Browser origins allowed by CORS (comma-separated); none by default. */
  readonly GATEWAY_CORS_ORIGINS: readonly string[];
  /** Introspection queries; defaults to GATEWAY_GRAPHIQL (GraphiQL needs them), so off unless configured. */
  readonly GATEWAY_INTROSPECTION: boolean;
  /** Requests per window per account or client address; 0 turns the limit off. */
  readonly GATEWAY_RATE_LIMIT_MAX: number;
  readonly GATEWAY_RATE_LIMIT_WINDOW_MS: number;
  /** fastify's trustProxy: the proxies (addresses/CIDRs, comma-separated) whose X-Forwarded-For names the client. */
  readonly GATEWAY_TRUST_PROXY: string | undefined;
  /** JSON object {sha256 hex: query text} of the front-ends' persisted queries. */
  readonly GATEWAY_PERSISTED_QUERIES_FILE: string | undefined;
  /** Accept only the persisted queries (production); needs GATEWAY_PERSISTED_QUERIES_FILE. */
  readonly GATEWAY_PERSISTED_ONLY: boolean;
}

/**
 * Parses the environment once at start-up. The base variables go through the platform's zod schema; the gateway's
 * own few are checked here by hand, because zod is not a dependency of the gateway package. Every problem, in both
 * parts, is reported in one ConfigError that names variables, never their values.
 */
export function loadGatewayConfig(env: Environment = process.env): GatewayConfig {
  const problems: ConfigProblem[] = [];
  let base: BaseConfig | undefined;
  try {
    base = loadConfig(baseConfigSchema, { SERVICE_NAME: "gateway", ...env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const read = new Reader(env, problems);
  const own = {
    GATEWAY_HOST: read.text("GATEWAY_HOST") ?? "127.0.0.1",
    GATEWAY_PORT: read.integer("GATEWAY_PORT", 0, 65_535) ?? 4000,
    IDENTITY_GRPC_URL: read.address("IDENTITY_GRPC_URL"),
    REPORTING_GRPC_URL: read.address("REPORTING_GRPC_URL"),
    CONSULT_GRPC_URL: read.optionalAddress("CONSULT_GRPC_URL"),
    PRESCRIPTION_GRPC_URL: read.optionalAddress("PRESCRIPTION_GRPC_URL"),
    PHARMACY_GRPC_URL: read.optionalAddress("PHARMACY_GRPC_URL"),
    INTEGRATION_GRPC_URL: read.optionalAddress("INTEGRATION_GRPC_URL"),
    RECORDS_GRPC_URL: read.optionalAddress("RECORDS_GRPC_URL"),
    GATEWAY_GRAPHIQL: read.boolean("GATEWAY_GRAPHIQL") ?? false,
    // Pod name in Kubernetes: names this replica's feed consumer (each replica must receive every entry).
    GATEWAY_INSTANCE_ID: read.text("GATEWAY_INSTANCE_ID") ?? hostname(),
    GATEWAY_CALL_TIMEOUT_MS: read.integer("GATEWAY_CALL_TIMEOUT_MS", 1, 120_000) ?? 5_000,
    GATEWAY_GRPC_CA_FILE: read.text("GATEWAY_GRPC_CA_FILE"),
    GATEWAY_TLS_CERT_FILE: read.text("GATEWAY_TLS_CERT_FILE"),
    GATEWAY_TLS_KEY_FILE: read.text("GATEWAY_TLS_KEY_FILE"),
    GATEWAY_CORS_ORIGINS: read.origins("GATEWAY_CORS_ORIGINS"),
    GATEWAY_INTROSPECTION: read.boolean("GATEWAY_INTROSPECTION") ?? read.boolean("GATEWAY_GRAPHIQL") ?? false,
    GATEWAY_RATE_LIMIT_MAX: read.integer("GATEWAY_RATE_LIMIT_MAX", 0, 1_000_000) ?? 600,
    GATEWAY_RATE_LIMIT_WINDOW_MS: read.integer("GATEWAY_RATE_LIMIT_WINDOW_MS", 1_000, 3_600_000) ?? 60_000,
    GATEWAY_TRUST_PROXY: read.text("GATEWAY_TRUST_PROXY"),
    GATEWAY_PERSISTED_QUERIES_FILE: read.text("GATEWAY_PERSISTED_QUERIES_FILE"),
    GATEWAY_PERSISTED_ONLY: read.boolean("GATEWAY_PERSISTED_ONLY") ?? false,
  };
  if (own.GATEWAY_PERSISTED_ONLY && own.GATEWAY_PERSISTED_QUERIES_FILE === undefined) {
    problems.push({ variable: "GATEWAY_PERSISTED_ONLY", problem: "persisted-only mode needs GATEWAY_PERSISTED_QUERIES_FILE" });
  }
  if ((own.GATEWAY_TLS_CERT_FILE === undefined) !== (own.GATEWAY_TLS_KEY_FILE === undefined)) {
    problems.push({ variable: "GATEWAY_TLS_KEY_FILE", problem: "TLS needs both GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE" });
  }
  if (problems.length > 0 || base === undefined) {
    problems.sort((a, b) => a.variable.localeCompare(b.variable));
    throw new ConfigError(problems);
  }
  return { ...base, ...own, IDENTITY_GRPC_URL: own.IDENTITY_GRPC_URL ?? "", REPORTING_GRPC_URL: own.REPORTING_GRPC_URL ?? "" };
}

class Reader {
  constructor(
    private readonly env: Environment,
    private readonly problems: ConfigProblem[],
  ) {}

  /** Blank counts as unset, as in loadConfig. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push({ variable: name, problem: `expected an integer from ${min} to ${max}` });
      return undefined;
    }
    return parsed;
  }

  boolean(name: string): boolean | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (value === "true" || value === "false") return value === "true";
    this.problems.push({ variable: name, problem: "expected true or false" });
    return undefined;
  }

  /** Comma-separated origins such as https://doctor.example.cn: scheme, host and optional port, nothing else. */
  origins(name: string): readonly string[] {
    const value = this.text(name);
    if (value === undefined) return [];
    const origins = value.split(",").map((origin) => origin.trim()).filter((origin) => origin !== "");
    if (origins.some((origin) => !/^https?:\/\/[^\s/:]+(:\d{1,5})?$/.test(origin))) {
      this.problems.push({ variable: name, problem: "expected origins like https://doctor.example.cn, comma-separated" });
      return [];
    }
    return origins;
  }

  /** Required gRPC target: host:port, or a grpc-js URI such as dns:///identity:50051. */
  address(name: string): string | undefined {
    if (this.text(name) === undefined) {
      this.problems.push({ variable: name, problem: "required but not set" });
      return undefined;
    }
    return this.optionalAddress(name);
  }

  optionalAddress(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!/^([a-z]+:\/\/\/?)?[^\s/]+:\d{1,5}$/.test(value)) {
      this.problems.push({ variable: name, problem: "expected host:port, e.g. identity:50051" });
      return undefined;
    }
    return value;
  }
}
