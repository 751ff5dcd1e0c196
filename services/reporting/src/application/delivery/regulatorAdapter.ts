import type { RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";

/** What the regulator answered for one message: its serial number, or why it was not taken (a code, never content). */
export type DeliveryOutcome =
  | { readonly messageId: string; readonly ok: true; readonly serial: string }
  | { readonly messageId: string; readonly ok: false; readonly reason: string };

/**
 * The port every outgoing regulator adapter implements (REP-04), one per jurisdiction: JSON push, the DB64/T 2123
 * XML push, the nightly batch file. Pull channels have no adapter: the regulator fetches (pullServer.ts).
 * `deliver` answers per message; a message it does not answer for counts as failed (NO_ACK). It throws when the
 * regulator could not be reached at all (timeout, connection reset): every message of the call then failed.
 */
export interface RegulatorAdapter {
  /** Recorded in the ledger: which adapter sent. */
  readonly name: string;
  /** Batch adapters only take messages of the fact's day once the night's cutoff has passed. */
  readonly mode: "push" | "batch";
  deliver(messages: readonly RegulatorMessage[], now: Date): Promise<readonly DeliveryOutcome[]>;
}

/** A delivery failure whose code the ledger records. */
export class RegulatorUnreachable extends Error {
  constructor(readonly code: string) {
    super(`regulator unreachable: ${code}`);
  }
}
