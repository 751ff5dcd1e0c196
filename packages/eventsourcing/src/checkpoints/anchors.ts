import type { VerifyResult } from "../eventStore.js";
import type { LogPosition } from "../types.js";
import { checkCheckpoint, type CheckpointRejection } from "./logCheckpoint.js";
import { verifyTimestamp } from "./timestamp.js";

/** A position and head hash a trusted signature vouches for. */
export interface Anchor {
  readonly position: LogPosition;
  readonly headHash: string;
}

/** What verify needs to check a log against checkpoints: the checkpoints as read, and the one key to trust. */
export interface AnchorOptions {
  /** Checkpoints from the local copy, the bus or an outside party, unchecked; every one must verify. */
  readonly checkpoints: readonly unknown[];
  /** The service's checkpoint public key (uncompressed hex), obtained out of band, never from the checkpoints. */
  readonly trustedPublicKey: string;
  /** The log's name (service context); when given, a checkpoint of another log is refused. */
  readonly log?: string;
  /**
   * PEM file of the time-stamp authority's CA: when given, every checkpoint must carry an RFC 3161 token from a TSA
   * chaining to it, over that checkpoint (checked with `openssl ts -verify`).
   */
  readonly tsaCaFile?: string;
}

export type AnchorCheck =
  | { readonly ok: true; readonly anchors: readonly Anchor[] }
  | { readonly ok: false; readonly result: VerifyResult & { readonly ok: false }; readonly rejection: CheckpointRejection };

/**
 * Checks every checkpoint's signature and returns them as anchors in position order. One bad checkpoint fails the
 * whole verification (CHECKPOINT_INVALID at the position it claims): a forged checkpoint is itself evidence, and
 * skipping it silently would let a wrong key pass as "no checkpoints".
 */
export function checkAnchors(options: AnchorOptions): AnchorCheck {
  const anchors: Anchor[] = [];
  for (const value of options.checkpoints) {
    let checked = checkCheckpoint(value, options.trustedPublicKey, options.log);
    if (checked.ok && options.tsaCaFile !== undefined && verifyTimestamp(checked.checkpoint, options.tsaCaFile) === undefined) {
      checked = { ok: false, reason: "CHECKPOINT_TIMESTAMP_INVALID" };
    }
    if (!checked.ok) {
      const claimed = (value as { position?: unknown } | null)?.position;
      const position = typeof claimed === "string" && /^[0-9]+$/.test(claimed) ? BigInt(claimed) : 0n;
      return { ok: false, rejection: checked.reason, result: { ok: false, checked: 0, position, reason: "CHECKPOINT_INVALID" } };
    }
    anchors.push({ position: BigInt(checked.checkpoint.position), headHash: checked.checkpoint.headHash });
  }
  anchors.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  return { ok: true, anchors };
}
