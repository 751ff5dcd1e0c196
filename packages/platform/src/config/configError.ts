/** One bad or missing environment variable. `problem` never contains the variable's value. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Start-up configuration is unusable. The message lists every problem at once, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map(({ variable, problem }) => `  - ${variable}: ${problem}`);
    super([`Invalid configuration (${count}):`, ...lines].join("\n"));
  }
}

/**
 * A setting required unless something replaces it (`unless`, e.g. "an identity port is given" in the embedded mode):
 * its value, or a ConfigError naming the variable.
 */
export function requiredUnless<T>(value: T | undefined, variable: string, unless: string): T {
  if (value === undefined) throw new ConfigError([{ variable, problem: `required unless ${unless}` }]);
  return value;
}
