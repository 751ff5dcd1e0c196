import { hostname } from "node:os";
import { type DestinationStream, type Level, type Logger, pino } from "pino";
import { maskText, maskValue, REDACTED } from "./maskValue.js";
import { traceMixin } from "./traceMixin.js";

export type LogLevel = Level | "silent";

export interface LoggerOptions {
  /** Service or component name, written as `service` on every line. */
  readonly name: string;
  readonly level: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
}

// Fixed-depth paths pino can redact natively, kept as a second line of defence behind the key-name masking below.
const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "metadata.authorization",
  "*.token",
  "*.password",
];

/**
 * A pino logger that never writes personal data in clear (ARCHITECTURE §8). pino's redact paths only reach fixed
 * depths, so every logged object and child binding also goes through maskValue, which masks by key name at any depth
 * and scans free text. Message strings are scanned too. Lines carry trace_id/span_id while a span is active.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: options.name, pid: process.pid, hostname: hostname() },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      mixin: traceMixin,
      formatters: {
        log: (object) => maskValue(object) as Record<string, unknown>,
        bindings: (bindings) => maskValue(bindings) as Record<string, unknown>,
      },
      serializers: { err: maskValue },
      hooks: {
        logMethod(args, method) {
          const masked: unknown[] = args.map((arg) => (typeof arg === "string" ? maskText(arg) : arg));
          // Without an explicit message pino uses the error's own message, which would bypass the masking.
          const [first] = args;
          if (args.length === 1 && typeof first === "object" && first !== null) {
            const error = first instanceof Error ? first : (first as { err?: unknown }).err;
            if (error instanceof Error) masked.push(maskText(error.message));
          }
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
  // pino applies formatters.bindings to the root only and resets it for children. Children are created from their
  // parent by prototype, so overriding child() here masks the bindings of every descendant too.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the right `this`
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, maskValue(bindings) as typeof bindings, childOptions);
  } as Logger["child"];
  return logger;
}
