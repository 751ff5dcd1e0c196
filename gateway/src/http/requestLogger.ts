import type { Logger } from "@ihp/platform";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
type LogMethod = Logger["info"];
type Bindings = Parameters<Logger["child"]>[0];
/** The part of fastify's child logger options it sets (a route's logLevel). */
type ChildOptions = { readonly level?: string } | undefined;

/** What fastify needs of `request.log` (its FastifyBaseLogger): the level methods, `child` and `level`. */
export interface RequestLogger {
  fatal: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
  silent: LogMethod;
  child(bindings: Bindings, options?: ChildOptions): Logger;
  level: string;
}

/**
 * fastify's per-request logger (its childLoggerFactory): the child with the request's `reqId` is made on the first
 * line logged through it at an enabled level. fastify made it for every request, and a child of the platform logger
 * costs its bindings' masking and pino's redaction (issue 15: ~15 µs of an anonymous query); most requests log nothing
 * through it (their summary line goes through the gateway's logger with the same reqId, see server.ts). A line that
 * is logged reads exactly as before.
 */
export function lazyRequestLogger(parent: Logger, bindings: Bindings, options: ChildOptions): RequestLogger {
  return new LazyRequestLogger(parent, bindings, options);
}

class LazyRequestLogger implements RequestLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  fatal(...args: Parameters<LogMethod>): void {
    this.log("fatal", args);
  }
  error(...args: Parameters<LogMethod>): void {
    this.log("error", args);
  }
  warn(...args: Parameters<LogMethod>): void {
    this.log("warn", args);
  }
  info(...args: Parameters<LogMethod>): void {
    this.log("info", args);
  }
  debug(...args: Parameters<LogMethod>): void {
    this.log("debug", args);
  }
  trace(...args: Parameters<LogMethod>): void {
    this.log("trace", args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildOptions): Logger {
    return this.real().child(bindings, options);
  }
  get level(): string {
    return this.made?.level ?? this.options?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real().level = level;
  }

  private real(): Logger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }

  private log(level: Level, args: Parameters<LogMethod>): void {
    // A level the parent would drop costs nothing, as it did before (a child with a level of its own decides itself).
    if (this.made === undefined && this.options?.level === undefined && !this.parent.isLevelEnabled(level)) return;
    this.real()[level](...args);
  }
}
