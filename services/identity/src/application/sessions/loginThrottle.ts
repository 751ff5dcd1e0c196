import { refusal } from "../../domain/errors.js";

/**
 * IDN-08 login throttling, replacing the hard lock an outsider could set off on any known login name by typing wrong
 * passwords. Failures are counted per key; past a key's free failures every further attempt must wait
 * 1 s × 2^(failures − free), capped, counted from the last failure. Attempts inside the wait are refused
 * (LOGIN_THROTTLED) before the password is looked at and are not counted, so hammering never lengthens the wait
 * beyond the cap, and nothing is ever locked for good.
 *
 * Keys: the login name (its blind index) from one source — the main brake on guessing, which an outsider from
 * elsewhere cannot set off for the owner; one source across all login names (credential stuffing); and a login
 * name across all sources with a high threshold and a one-minute cap (distributed guessing), the only brake an
 * outsider can apply to someone else, and then only as a delay of at most a minute per attempt.
 *
 * Kept in memory, not in the event log: the attempts are anonymous, and recording them would let anyone grow the
 * tamper-evident log. A restart forgets the counts (the wait starts again from the free failures); with several
 * replicas each counts its own attempts.
 */
export interface ThrottlePolicy {
  /** Wrong passwords of one login name from one source before waits begin (LOGIN_MAX_FAILURES). */
  readonly freeFailures: number;
  /** The longest wait (LOGIN_LOCKOUT_MINUTES). */
  readonly maxDelayMs: number;
}

const SOURCE_FACTOR = 4;
const LOGIN_FACTOR = 10;
const LOGIN_MAX_DELAY_MS = 60_000;
const BASE_DELAY_MS = 1_000;
/** Entries idle longer than the longest wait are forgotten once the map grows past this. */
const PRUNE_AT = 10_000;

interface Entry {
  failures: number;
  lastFailureAt: number;
}

interface Key {
  readonly id: string;
  readonly free: number;
  readonly maxDelayMs: number;
}

/** How long after the last failure the next attempt may come: 0 within the free failures. */
export function throttleDelayMs(failures: number, free: number, maxDelayMs: number): number {
  if (failures < free) return 0;
  return Math.min(maxDelayMs, BASE_DELAY_MS * 2 ** Math.min(failures - free, 30));
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly clock: () => Date,
  ) {}

  /** Refuses with LOGIN_THROTTLED while any key of this login attempt is waiting. */
  admitLogin(loginIndex: string, source: string): void {
    this.admit(this.loginKeys(loginIndex, source));
  }

  loginFailed(loginIndex: string, source: string): void {
    this.failed(this.loginKeys(loginIndex, source));
  }

  /** A correct password: the name's own counts start again (the source's stay: a stuffing source may hit once). */
  loginSucceeded(loginIndex: string, source: string): void {
    this.entries.delete(`login-source:${loginIndex}:${source}`);
    this.entries.delete(`login:${loginIndex}`);
  }

  /** Step-ups are made in a session, so only the session's holder reaches this key. */
  admitStepUp(subjectId: string): void {
    this.admit([this.stepUpKey(subjectId)]);
  }

  stepUpFailed(subjectId: string): void {
    this.failed([this.stepUpKey(subjectId)]);
  }

  stepUpSucceeded(subjectId: string): void {
    this.entries.delete(this.stepUpKey(subjectId).id);
  }

  /** An administrator's password reset lifts every wait of the login name and its holder's step-ups. */
  reset(loginIndex: string, subjectId: string): void {
    for (const id of [...this.entries.keys()]) {
      if (id === `login:${loginIndex}` || id.startsWith(`login-source:${loginIndex}:`)) this.entries.delete(id);
    }
    this.entries.delete(this.stepUpKey(subjectId).id);
  }

  private loginKeys(loginIndex: string, source: string): Key[] {
    const { freeFailures, maxDelayMs } = this.policy;
    return [
      { id: `login-source:${loginIndex}:${source}`, free: freeFailures, maxDelayMs },
      { id: `source:${source}`, free: freeFailures * SOURCE_FACTOR, maxDelayMs },
      { id: `login:${loginIndex}`, free: freeFailures * LOGIN_FACTOR, maxDelayMs: Math.min(maxDelayMs, LOGIN_MAX_DELAY_MS) },
    ];
  }

  private stepUpKey(subjectId: string): Key {
    return { id: `step-up:${subjectId}`, free: this.policy.freeFailures, maxDelayMs: this.policy.maxDelayMs };
  }

  private admit(keys: readonly Key[]): void {
    const now = this.clock().getTime();
    for (const key of keys) {
      const entry = this.entries.get(key.id);
      if (entry === undefined) continue;
      if (now < entry.lastFailureAt + throttleDelayMs(entry.failures, key.free, key.maxDelayMs)) throw refusal("LOGIN_THROTTLED");
    }
  }

  private failed(keys: readonly Key[]): void {
    const now = this.clock().getTime();
    for (const key of keys) {
      const entry = this.entries.get(key.id) ?? { failures: 0, lastFailureAt: now };
      entry.failures += 1;
      entry.lastFailureAt = now;
      this.entries.set(key.id, entry);
    }
    if (this.entries.size > PRUNE_AT) this.prune(now);
  }

  private prune(now: number): void {
    for (const [id, entry] of this.entries) {
      if (now - entry.lastFailureAt > this.policy.maxDelayMs) this.entries.delete(id);
    }
  }
}
