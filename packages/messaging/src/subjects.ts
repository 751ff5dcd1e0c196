/**
 * NATS subject matching, shared by the in-process bus (routing) and the JetStream adapter (client-side filtering on
 * servers older than 2.10, which cannot filter a consumer on several subjects).
 * `*` matches exactly one token, `>` (last token only) matches one or more tokens.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split(".");
  const actual = subject.split(".");
  for (let i = 0; i < wanted.length; i++) {
    const token = wanted[i];
    if (token === ">") return i === wanted.length - 1 && actual.length > i;
    if (i >= actual.length) return false;
    if (token !== "*" && token !== actual[i]) return false;
  }
  return wanted.length === actual.length;
}

export function matchesAny(patterns: readonly string[], subject: string): boolean {
  return patterns.some((pattern) => subjectMatches(pattern, subject));
}

/** A subject a message may be published on: non-empty tokens, no wildcards, no white space. */
export function assertPublishSubject(subject: string): void {
  if (!isValidSubject(subject, false)) throw new InvalidSubjectError(subject, "publish");
}

/** A subject a consumer may listen on: wildcards allowed, `>` only as the last token. */
export function assertFilterSubject(subject: string): void {
  if (!isValidSubject(subject, true)) throw new InvalidSubjectError(subject, "filter");
}

function isValidSubject(subject: string, wildcards: boolean): boolean {
  const tokens = subject.split(".");
  return tokens.every((token, i) => {
    if (token === "" || /\s/.test(token)) return false;
    if (token === "*" || token === ">") return wildcards && (token === "*" || i === tokens.length - 1);
    return !token.includes("*") && !token.includes(">");
  });
}

export class InvalidSubjectError extends Error {
  override readonly name = "InvalidSubjectError";
  readonly code = "INVALID_SUBJECT";
  constructor(
    readonly subject: string,
    readonly use: "publish" | "filter",
  ) {
    super(`invalid ${use} subject: ${JSON.stringify(subject)}`);
  }
}
