import { createHash } from "node:crypto";
import { type Decider, DomainError, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import type { Principal } from "@ihp/platform";
import {
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  accountDecider,
  type ClinicalObject,
  isAccountEventType,
  type LoginNameClaimed,
  passkeyCounterDecider,
  type RecordPasskeyUse,
  type StepUpCommand,
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

/**
 * The account's login outcomes (LoggedIn, LoginFailed), each carrying the whole login state, so the stream is read by
 * its last event alone and may grow with every login (domain/sessions/loginState.ts). Its revision guards a login.
 */
export function loginsStreamId(subjectId: string): string {
  return `identity-logins-${subjectId}`;
}

/** A login session's activity and registration challenges (issue 15: bounded by the session). */
export function sessionStreamId(sessionId: string): string {
  return `identity-session-${sessionId}`;
}

/** The step-up challenges and step-ups for one object in one session. */
export function stepUpStreamId(sessionId: string, object: ClinicalObject): string {
  return `identity-stepup-${sessionId}-${object.kind}-${object.id}`;
}

/** A passkey's recorded uses: the last one holds its signature counter. */
export function passkeyStreamId(credentialId: string): string {
  return `identity-passkey-${credentialId}`;
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

/** What of the account a request needs beyond its own and its current session's streams. */
export interface AccountScope {
  /** The step-ups of this object in the current session (a step-up, a clinical check). */
  readonly object?: ClinicalObject;
  /** Each passkey's counter as last recorded (a passkey step-up). */
  readonly counters?: boolean;
}

/** A stream of the account as a request read it: whole, or its last event alone (`last`). */
export interface ReadStream {
  readonly events: readonly StoredEvent[];
  readonly last: boolean;
}

/**
 * The account as a request read it: its own and logins streams folded (`own`), and the other streams it read, by
 * stream id, so that a command the same request runs next decides on them instead of reading them again
 * (runAccountCommand). Each command's own stream keeps guarding it by its revision: one read a moment ago that another
 * writer has overtaken costs a retry on a fresh read.
 */
export interface AccountRead {
  readonly own: AccountState;
  /** runAccountCommand takes out each stream its command may append to: a later command of the request reads it. */
  readonly streams?: Map<string, ReadStream>;
}

/**
 * The events of the streams that make up the account beside its own: the current session's (its activity and
 * registration challenges), that session's step-ups of `scope.object`, and the last recorded use of each passkey.
 * A stream in `already` (read by this request a moment ago) is not read again; each one read is added to `into`.
 */
async function scopedEvents(
  store: EventStore,
  state: AccountState,
  scope: AccountScope,
  except?: string,
  already?: ReadonlyMap<string, ReadStream>,
  into?: Map<string, ReadStream>,
): Promise<StoredEvent[]> {
  if (state.status !== "open") return [];
  const { session, passkeys } = state.account;
  const streams: { id: string; last: boolean }[] = [];
  if (session !== undefined) streams.push({ id: sessionStreamId(session.sessionId), last: false });
  if (session !== undefined && scope.object !== undefined) streams.push({ id: stepUpStreamId(session.sessionId, scope.object), last: false });
  if (scope.counters === true) for (const passkey of passkeys) streams.push({ id: passkeyStreamId(passkey.credentialId), last: true });
  const reads = streams
    .filter((stream) => stream.id !== except)
    .map(async (stream): Promise<readonly StoredEvent[]> => {
      const held = already?.get(stream.id);
      // A whole read serves a read by the last event too, not the other way round.
      if (held !== undefined && (stream.last || !held.last)) return stream.last ? held.events.slice(-1) : held.events;
      const events = await store.readStream(stream.id, stream.last ? { last: true } : {});
      into?.set(stream.id, { events, last: stream.last });
      return events;
    });
  return (await Promise.all(reads)).flat();
}

function foldOnto(state: AccountState, events: readonly StoredEvent[]): AccountState {
  return events.reduce((next, event) => accountDecider.evolve(next, toAccountEvent(event)), state);
}

function foldAccount(events: readonly StoredEvent[]): AccountState {
  return fold(accountDecider, events.map(toAccountEvent));
}

/**
 * The account's own stream folded whole (opening, password, passkeys, and the logins of earlier versions), then the
 * last event of its logins stream, which carries the login state whole and so overrides what those older logins said:
 * an account from before the logins stream keeps its session and count until its next login, and from then on its
 * own stream no longer grows with every login.
 */
async function readOwn(store: EventStore, subjectId: string): Promise<AccountState> {
  const { own, logins } = await readOwnStreams(store, subjectId);
  return foldOnto(foldAccount(own), logins);
}

async function readOwnStreams(store: EventStore, subjectId: string): Promise<{ own: readonly StoredEvent[]; logins: readonly StoredEvent[] }> {
  const [own, logins] = await Promise.all([store.readStream(accountStreamId(subjectId)), store.readStream(loginsStreamId(subjectId), { last: true })]);
  return { own, logins };
}

/**
 * The account as it is (issue 15: one aggregate kept in several streams, so none grows with every consult or login):
 * its own stream — password, passkeys: what outlives a session — and its logins stream's last event (`readOwn`), then
 * its current session's, then what `scope` asks. Events of a session that is no longer the current one count for
 * nothing.
 */
export async function loadAccount(store: EventStore, subjectId: string, scope: AccountScope = {}): Promise<AccountState> {
  return (await readAccount(store, subjectId, scope)).state;
}

/**
 * The account as `loadAccount` reads it, with its own and logins streams folded alone (`own`) and the other streams
 * as read (`streams`): an AccountRead, for `runAccountCommand` not to read them again.
 */
export async function readAccount(store: EventStore, subjectId: string, scope: AccountScope = {}): Promise<{ state: AccountState; own: AccountState; streams: Map<string, ReadStream> }> {
  const own = await readOwn(store, subjectId);
  const streams = new Map<string, ReadStream>();
  return { state: foldOnto(own, await scopedEvents(store, own, scope, undefined, undefined, streams)), own, streams };
}

/** The subject a login name belongs to, by the name's blind index. */
export async function subjectOfLogin(store: EventStore, loginIndex: string): Promise<string | undefined> {
  const [claim] = await store.readStream(loginNameStreamId(loginIndex));
  return claim === undefined ? undefined : toLoginNameEvent(claim).data.subjectId;
}

/** Who an account event is recorded under: the caller's principal, or the account holder (login). */
export type AccountActor = Principal | { subject: string; role: string };

/**
 * Runs one account command on the stream that records it (the account's, its logins', its session's, or a step-up's),
 * with the caller's correlation and the account's tenant. `read`: the account as the caller just read it
 * (`readAccount`). Its own and logins streams are used when the command is recorded elsewhere than the own stream —
 * the own stream's revision guards nothing here, so a read a moment earlier decides as this one would have. Its other
 * streams are not read again: the one the command is recorded on is decided on as read and still guards the append by
 * its revision (a writer that got in since costs a retry on a fresh read), and the others hold what a read a moment
 * later would (a passkey's counter is guarded by its own stream).
 */
export async function runAccountCommand(
  deps: { readonly store: EventStore; readonly newId: () => string },
  caller: Pick<Caller, "correlationId" | "trace">,
  actor: AccountActor,
  account: { subjectId: string; tenantId: string },
  command: AccountCommand,
  requestId: string | undefined,
  read?: AccountRead,
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
  const options = { newEventId: deps.newId, toDomainEvent: toAccountEvent };
  const envelope = { metadata, ...(requestId === undefined ? {} : { requestId }), now: command.at };
  if (command.type === "Login") {
    // IDN-08: the logins stream, read by its last event, whose revision guards the login: of two logins at once, or a
    // login and a failure, the one that loses the race decides again on the other's outcome, so exactly one session
    // stays current and each outcome carries the count and session the other left.
    const decider = { ...accountDecider, initialState: read?.own ?? (await readOwn(store, account.subjectId)) };
    return handleCommand(store, decider, { ...envelope, streamId: loginsStreamId(account.subjectId), readLast: true, command }, options);
  }
  const target = streamOf(command);
  if (target === undefined) {
    // The account's own stream, whose revision guards the command; decided with the login state and the current
    // session's events folded in (a registration challenge). A login meanwhile makes those count for nothing.
    const { own: ownEvents, logins } = await readOwnStreams(store, account.subjectId);
    const decider = withEvents([...logins, ...(await scopedEvents(store, foldOnto(foldAccount(ownEvents), logins), {}))]);
    return handleCommand(store, decider, { ...envelope, streamId: accountStreamId(account.subjectId), command }, options);
  }
  // A session's or a step-up's stream, whose revision guards the command (a challenge answered twice, two step-ups at
  // once), decided on the account as read with what else the command needs.
  const scope = target.object === undefined ? {} : { object: target.object, counters: command.type === "StepUp" };
  const own = read?.own ?? (await readOwn(store, account.subjectId));
  const held = read?.streams;
  // The target's own events are not read here: the command reads them itself, unless the caller just did.
  const state = foldOnto(own, await scopedEvents(store, own, scope, target.streamId, held));
  const decider = { ...accountDecider, initialState: state };
  const targetRead = held?.get(target.streamId);
  const onTarget = { ...envelope, streamId: target.streamId, ...(targetRead === undefined || targetRead.last ? {} : { read: targetRead.events }) };
  const use = command.type === "StepUp" ? passkeyUse(command) : undefined;
  // The streams this command may append to are read afresh by any later command of the request.
  held?.delete(target.streamId);
  if (use === undefined) return handleCommand(store, decider, { ...onTarget, command }, options);
  // The passkey's last use as the caller read it, for the first preparation only: a retry's (after a conflict on the
  // target) reads it afresh, as it may have recorded the use itself.
  let passkeyRead = held?.get(passkeyStreamId(use.credentialId))?.events;
  held?.delete(passkeyStreamId(use.credentialId));
  // A passkey's counter is recorded on its own stream first, once the step-up is known to be accepted: a concurrent
  // use of the same passkey is decided there, and a repeated request finds the step-up before anything is recorded.
  // Only a step-up that then loses a race on its own stream (its challenge answered twice at once) leaves a recorded
  // counter behind: a real assertion's, so no later one is wrongly refused for it.
  return handleCommand(
    store,
    decider,
    {
      ...onTarget,
      prepare: async (current) => {
        const decided = accountDecider.decide(command, current);
        if (decided instanceof DomainError) throw decided;
        const registered = current.status === "open" ? current.account.passkeys.find((passkey) => passkey.credentialId === use.credentialId) : undefined;
        const counter = { ...passkeyCounterDecider, initialState: { counter: registered?.counter ?? 0, stepUpId: undefined } };
        const given = passkeyRead;
        passkeyRead = undefined;
        const passkeyStream = { ...envelope, streamId: passkeyStreamId(use.credentialId), readLast: true, ...(given === undefined ? {} : { read: given }) };
        await handleCommand(store, counter, { ...passkeyStream, command: { ...use, subjectId: account.subjectId } }, { newEventId: deps.newId });
        return command;
      },
    },
    options,
  );
}

/** What a passkey step-up records on the passkey's own stream. */
function passkeyUse(command: StepUpCommand): Omit<RecordPasskeyUse, "subjectId"> | undefined {
  const { assertion, sessionId } = command;
  if (assertion === undefined || sessionId === undefined) return undefined;
  return { type: "RecordPasskeyUse", credentialId: assertion.credentialId, counter: assertion.counter, sessionId, stepUpId: command.stepUpId, at: command.at };
}

/**
 * Where a command is recorded when not on the account's own stream: a step-up and its challenge on the stream of
 * that object in that session, activity and registration challenges on the session's.
 */
function streamOf(command: AccountCommand): { streamId: string; object?: ClinicalObject } | undefined {
  if (command.type !== "StepUp" && command.type !== "IssueChallenge" && command.type !== "TouchSession") return undefined;
  const { sessionId } = command;
  if (sessionId === undefined) return undefined;
  const object = command.type === "TouchSession" ? undefined : command.object;
  return object === undefined ? { streamId: sessionStreamId(sessionId) } : { streamId: stepUpStreamId(sessionId, object), object };
}

function withEvents(events: readonly StoredEvent[]): Decider<AccountCommand, AccountEvent, AccountState> {
  if (events.length === 0) return accountDecider;
  return { ...accountDecider, decide: (command, state) => accountDecider.decide(command, foldOnto(state, events)) };
}
