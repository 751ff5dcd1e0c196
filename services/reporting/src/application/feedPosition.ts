import { DomainError, type LogPosition, START } from "@ihp/eventsourcing";
import { invalidCursor } from "@ihp/platform";

// Feed position = position in the reporting service's log. StreamFeed takes it as a decimal string (the contract);
// ListFeed wraps it in an opaque cursor so clients do not build cursors of their own (Relay connections).

const DECIMAL = /^(0|[1-9][0-9]{0,38})$/;
const CURSOR_PREFIX = "feed:v1:";

/** StreamFeed's `after`: empty for the beginning, else a decimal position. */
export function parseFeedPosition(after: string): LogPosition {
  if (after === "") return START;
  if (!DECIMAL.test(after)) {
    throw new DomainError("INVALID_FEED_POSITION", "INVALID_ARGUMENT", "The feed position must be a whole number.");
  }
  return BigInt(after);
}

export function encodeCursor(position: LogPosition): string {
  return Buffer.from(`${CURSOR_PREFIX}${position.toString()}`, "utf8").toString("base64url");
}

/** A cursor from an earlier PageInfo.end_cursor; empty for the first page. */
export function decodeCursor(cursor: string): LogPosition {
  if (cursor === "") return START;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const position = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : "";
  if (!DECIMAL.test(position) || encodeCursor(BigInt(position)) !== cursor) {
    throw invalidCursor();
  }
  return BigInt(position);
}
