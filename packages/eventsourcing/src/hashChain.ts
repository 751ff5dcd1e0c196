import { hash } from "node:crypto";

import type { LogPosition } from "./types.js";

/** prevHash of the first event of a log. */
export const GENESIS_HASH = "0".repeat(64);

/** What an event's hash covers. data and metadata are given as their canonical JSON text (see canonicalJson). */
export interface HashInput {
  readonly position: LogPosition;
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
  readonly prevHash: string;
}

/**
 * SHA-256 (hex) over a canonical JSON object of the event, keys in sorted order. Built by hand because data and
 * metadata are already canonical text: verification rebuilds the same bytes from stored columns without re-parsing.
 * The position is a decimal string, so it can exceed 2^53.
 */
export function hashEvent(input: HashInput): string {
  const encoded =
    `{"data":${input.dataJson}` +
    `,"id":${JSON.stringify(input.id)}` +
    `,"metadata":${input.metadataJson}` +
    `,"position":"${input.position.toString()}"` +
    `,"prevHash":${JSON.stringify(input.prevHash)}` +
    `,"recordedAt":${JSON.stringify(input.recordedAt)}` +
    `,"revision":${input.revision}` +
    `,"schemaVersion":${input.schemaVersion}` +
    `,"streamId":${JSON.stringify(input.streamId)}` +
    `,"type":${JSON.stringify(input.type)}}`;
  return hash("sha256", encoded, "hex");
}
