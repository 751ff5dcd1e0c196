import { GENESIS_HASH, type LogPosition, type StoredEvent } from "@ihp/eventsourcing";

import { CLOSED, IGNORED, NOTED, OPENED } from "./streamSummaryProjection.js";

/** What happens next in a generated log; `pick` chooses among the streams open at that point. */
export type ConsultAction =
  | { readonly kind: "open"; readonly tenant: number }
  | { readonly kind: "note"; readonly pick: number }
  | { readonly kind: "view"; readonly pick: number }
  | { readonly kind: "close"; readonly pick: number };

export interface LogShape {
  /** Position of the first event. Default just past 2^64, so checkpoints cannot fit a 64-bit column. */
  readonly firstPosition?: LogPosition;
  /** Gap before each event after the first (positions are sparse, as in KurrentDB). Default 1. */
  readonly gaps?: readonly number[];
}

export const BEYOND_64_BITS: LogPosition = 2n ** 64n + 7n;

const EPOCH = Date.UTC(2025, 0, 1);

/**
 * Turns actions into a valid log: every stream starts with OPENED, notes and views go to open streams, closed
 * streams get nothing more. An action on a stream when none is open opens one instead.
 */
export function consultLog(actions: readonly ConsultAction[], shape: LogShape = {}): StoredEvent[] {
  const open: Array<{ streamId: string; tenantId: string; revision: number }> = [];
  const events: StoredEvent[] = [];
  let position = shape.firstPosition ?? BEYOND_64_BITS;
  let streams = 0;
  actions.forEach((action, index) => {
    if (index > 0) position += BigInt(shape.gaps?.[index % shape.gaps.length] ?? 1);
    const at = { position, index };
    if (action.kind === "open" || open.length === 0) {
      const tenant = action.kind === "open" ? action.tenant : 0;
      const stream = { streamId: `consult-${(streams += 1)}`, tenantId: `tenant-${tenant}`, revision: 0 };
      open.push(stream);
      events.push(fixtureEvent({ ...stream, ...at, type: OPENED }));
      return;
    }
    const slot = action.pick % open.length;
    const stream = open[slot]!;
    stream.revision += 1;
    const type = action.kind === "note" ? NOTED : action.kind === "view" ? IGNORED : CLOSED;
    events.push(fixtureEvent({ ...stream, ...at, type }));
    if (action.kind === "close") open.splice(slot, 1);
  });
  return events;
}

/** A deterministic, varied log of n events (a small LCG, so fixtures do not depend on a test framework's seed). */
export function sampleConsultLog(n: number, seed = 1, shape: LogShape = { gaps: [1, 3, 1000, 2] }): StoredEvent[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
  const actions: ConsultAction[] = [];
  for (let i = 0; i < n; i += 1) {
    const roll = (next() >>> 16) % 10;
    const pick = next();
    if (roll < 3) actions.push({ kind: "open", tenant: pick % 3 });
    else if (roll < 7) actions.push({ kind: "note", pick });
    else if (roll < 8) actions.push({ kind: "view", pick });
    else actions.push({ kind: "close", pick });
  }
  return consultLog(actions, shape);
}

interface FixtureFields {
  readonly streamId: string;
  readonly tenantId: string;
  readonly revision: number;
  readonly position: LogPosition;
  readonly index: number;
  readonly type: string;
}

function fixtureEvent(fields: FixtureFields): StoredEvent {
  const recordedAt = new Date(EPOCH + fields.index * 1_000).toISOString();
  return {
    id: `event-${fields.position}`,
    type: fields.type,
    schemaVersion: 1,
    data: { note: `#${fields.index}` },
    metadata: {
      actorId: "doctor-1",
      actorRole: "doctor",
      tenantId: fields.tenantId,
      correlationId: `corr-${fields.index}`,
      causationId: `cause-${fields.index}`,
      occurredAt: recordedAt,
    },
    streamId: fields.streamId,
    revision: fields.revision,
    position: fields.position,
    recordedAt,
    // The projector never checks the chain; the store does.
    prevHash: GENESIS_HASH,
    hash: GENESIS_HASH,
  };
}
