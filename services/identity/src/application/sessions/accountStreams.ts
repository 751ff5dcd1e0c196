import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import {
  type AccountEvent,
  type AccountState,
  accountDecider,
  isAccountEventType,
  type LoginNameClaimed,
} from "../../domain/sessions/index.js";

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
