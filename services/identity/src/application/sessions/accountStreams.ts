import { createHash } from "node:crypto";
import { type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import type { Principal } from "@ihp/platform";
import {
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  accountDecider,
  isAccountEventType,
  type LoginNameClaimed,
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

export async function loadAccount(store: EventStore, subjectId: string): Promise<AccountState> {
  return fold(accountDecider, (await store.readStream(accountStreamId(subjectId))).map(toAccountEvent));
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
  return handleCommand(
    deps.store,
    accountDecider,
    { streamId: accountStreamId(account.subjectId), command, metadata, ...(requestId === undefined ? {} : { requestId }), now: command.at },
    { newEventId: deps.newId, toDomainEvent: toAccountEvent },
  );
}
