import { createHash } from "node:crypto";
import { type Decider, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import type { Principal } from "@ihp/platform";
import {
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  accountDecider,
  isAccountEventType,
  type LoginNameClaimed,
  SESSION_COMMANDS,
} from "../../domain/sessions/index.js";
import type { Caller } from "../caller.js";

/**
 * The subject id of an administrator or pharmacy-governance account: a name-based UUID (version 8) from SHA-256 of
 * "staff:" + the opening request id, so a retried opening lands on the same account.
 */
export function staffIdFor(requestId: string): string {
  const bytes = createHash("sha256").update(`staff:${requestId}`, "utf8").digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function accountStreamId(subjectId: string): string {
  return `identity-account-${subjectId}`;
}

/** A login session's own events: its activity, WebAuthn challenges and step-ups (issue 15: bounded by the session). */
export function sessionStreamId(sessionId: string): string {
  return `identity-session-${sessionId}`;
}

export function loginNameStreamId(loginIndex: string): string {
  return `identity-login-${loginIndex}`;
}

export function toAccountEvent(event: StoredEvent): AccountEvent {
  if (!isAccountEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as AccountEvent;
}

export function toLoginNameEvent(event: StoredEvent): LoginNameClaimed {
  if (event.type !== "LoginNameClaimed") throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as LoginNameClaimed;
}

/** The events of the account's current session, from its own stream; none when no one is logged in. */
async function currentSessionEvents(store: EventStore, state: AccountState): Promise<AccountEvent[]> {
  const sessionId = state.status === "open" ? state.account.session?.sessionId : undefined;
  return sessionId === undefined ? [] : (await store.readStream(sessionStreamId(sessionId))).map(toAccountEvent);
}

function foldOnto(state: AccountState, events: readonly AccountEvent[]): AccountState {
  return events.reduce((next, event) => accountDecider.evolve(next, event), state);
}

/**
 * The account as it is: its own stream, then its current session's. The two are one aggregate stored in two streams;
 * the account's stream holds what outlives a session (password, logins, passkeys) and grows with logins only.
 */
export async function loadAccount(store: EventStore, subjectId: string): Promise<AccountState> {
  const state = fold(accountDecider, (await store.readStream(accountStreamId(subjectId))).map(toAccountEvent));
  return foldOnto(state, await currentSessionEvents(store, state));
}

/** The subject a login name belongs to, by the name's blind index. */
export async function subjectOfLogin(store: EventStore, loginIndex: string): Promise<string | undefined> {
  const [claim] = await store.readStream(loginNameStreamId(loginIndex));
  return claim === undefined ? undefined : toLoginNameEvent(claim).data.subjectId;
}

/** Who an account event is recorded under: the caller's principal, or the account holder (login). */
export type AccountActor = Principal | { subject: string; role: string };

/** Runs one account command on the account's stream, with the caller's correlation and the account's tenant. */
export async function runAccountCommand(
  deps: { readonly store: EventStore; readonly newId: () => string },
  caller: Pick<Caller, "correlationId" | "trace">,
  actor: AccountActor,
  account: { subjectId: string; tenantId: string },
  command: AccountCommand,
  requestId: string | undefined,
) {
  const actorRole = "roles" in actor ? (actor.roles[0] ?? "anonymous") : actor.role;
  const metadata = {
    actorId: actor.subject,
    actorRole,
    tenantId: account.tenantId,
    correlationId: caller.correlationId,
    causationId: requestId ?? deps.newId(),
    ...caller.trace,
  };
  const { store } = deps;
  const accountState = fold(accountDecider, (await store.readStream(accountStreamId(account.subjectId))).map(toAccountEvent));
  const inSession = SESSION_COMMANDS.has(command.type) && "sessionId" in command && command.sessionId !== undefined;
  // A session's command is decided on the account as read and appended to the session's stream, whose revision
  // guards it (a challenge answered twice, two step-ups at once). A command of the account's own stream is decided
  // with the current session's events folded in (a registration challenge, the counters a login carries forward);
  // the account stream's revision guards it, and a login meanwhile makes those events count for nothing.
  const decider: Decider<AccountCommand, AccountEvent, AccountState> = inSession
    ? { ...accountDecider, initialState: accountState }
    : withSessionEvents(await currentSessionEvents(store, accountState));
  const streamId = inSession ? sessionStreamId(command.sessionId) : accountStreamId(account.subjectId);
  return handleCommand(
    store,
    decider,
    { streamId, command, metadata, ...(requestId === undefined ? {} : { requestId }), now: command.at },
    { newEventId: deps.newId, toDomainEvent: toAccountEvent },
  );
}

function withSessionEvents(events: readonly AccountEvent[]): Decider<AccountCommand, AccountEvent, AccountState> {
  if (events.length === 0) return accountDecider;
  return { ...accountDecider, decide: (command, state) => accountDecider.decide(command, foldOnto(state, events)) };
}
