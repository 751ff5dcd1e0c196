import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "./configError.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once at start-up (ARCHITECTURE §10) and fails fast with one error naming every bad or
 * missing variable. Blank values count as unset, as orchestrators often render unset variables as "".
 * Problems are built from zod's messages and paths only, never from the input, so secrets are not echoed.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Environment = process.env): z.output<S> {
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") input[name] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const variable = issue.path.length === 0 ? "(environment)" : issue.path.map(String).join(".");
    const missing = issue.path.length === 1 && !(String(issue.path[0]) in input) && issue.code === "invalid_type";
    return { variable, problem: missing ? "required but not set" : issue.message };
  });
  problems.sort((a, b) => a.variable.localeCompare(b.variable));
  throw new ConfigError(problems);
}
