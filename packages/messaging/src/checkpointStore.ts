import type { LogPosition } from "@ihp/eventsourcing";

/** Where a named reader (a relay) got to in a log. */
export interface CheckpointStore {
  /** The saved position, or START (0n) when none was saved. */
  load(name: string): Promise<LogPosition>;
  save(name: string, position: LogPosition): Promise<void>;
}
