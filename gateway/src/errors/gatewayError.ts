import type { GraphQLError } from "../graphqlJs.js";
import { GATEWAY_ERRORS, type GatewayErrorCode } from "./gatewayErrors.js";

export interface GatewayErrorOptions {
  /** The graphql-js error behind a parse or validation refusal: its message and locations help the developer. */
  readonly detail?: GraphQLError | undefined;
  /** The limit that was exceeded, reported as extensions.limit. */
  readonly limit?: number | undefined;
  /** The bounded context a SERVICE_UNAVAILABLE refers to (consult, pharmacy…), reported as extensions.context. */
  readonly context?: string | undefined;
  readonly cause?: unknown;
}

/** A refusal decided by the gateway itself (limits, parsing, input, jurisdiction). Its message is the public text. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly detail: GraphQLError | undefined;
  readonly limit: number | undefined;
  readonly context: string | undefined;

  constructor(
    readonly code: GatewayErrorCode,
    options: GatewayErrorOptions = {},
  ) {
    super(GATEWAY_ERRORS[code].en, options.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options.detail;
    this.limit = options.limit;
    this.context = options.context;
  }

  get status(): number {
    return GATEWAY_ERRORS[this.code].status;
  }
}
