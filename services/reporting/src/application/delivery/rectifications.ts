import type { StoredEvent } from "@ihp/eventsourcing";
import type { AnomalyEvent } from "../../domain/anomalies/anomalyDecider.js";
import { type RegulatorMessage, toRectificationMessage } from "../../domain/delivery/regulatorMessage.js";
import { type FeedJurisdiction, UNKNOWN_JURISDICTION } from "../../domain/feed/entries.js";
import type { FeedRecord } from "../feedQueries.js";

type Opened = Extract<AnomalyEvent, { type: "AnomalyCaseOpened" }>["data"];
type Closed = Extract<AnomalyEvent, { type: "AnomalyCaseClosed" }>["data"];

const ANOMALY_STREAM = "reporting-anomaly-";

/**
 * REP-05 "which is sent back": folds the log's anomaly cases, and the institutions' jurisdictions as the feed recorded
 * them from identity, into the rectification messages of closed cases — one per case, sent to the regulator of the
 * institution's jurisdiction (an institution the feed has no registration for: "unknown", national channels only).
 */
export class RectificationSource {
  private readonly opened = new Map<string, Opened>();
  private readonly jurisdictions = new Map<string, FeedJurisdiction>();

  /** Remembers where an institution is supervised, from any of its feed entries. */
  noteFeedRecord(record: FeedRecord): void {
    if (record.data.jurisdiction !== UNKNOWN_JURISDICTION) this.jurisdictions.set(record.data.institutionId, record.data.jurisdiction);
  }

  /** The rectification message an event of the log is (an AnomalyCaseClosed), if it is one. */
  take(event: StoredEvent): RegulatorMessage | undefined {
    if (!event.streamId.startsWith(ANOMALY_STREAM)) return undefined;
    if (event.type === "AnomalyCaseOpened") {
      const data = event.data as unknown as Opened;
      this.opened.set(data.caseId, data);
      return undefined;
    }
    if (event.type !== "AnomalyCaseClosed") return undefined;
    const closed = event.data as unknown as Closed;
    const opened = this.opened.get(closed.caseId);
    // The decider closes only opened cases, and the log keeps their order.
    if (opened === undefined) return undefined;
    const { caseId, findingCode, findingReference, institutionId } = opened;
    const rectification = { caseId, findingCode, findingReference, rectificationNote: closed.rectificationNote, closedAt: closed.closedAt };
    const header = { institutionId, jurisdiction: this.jurisdictions.get(institutionId) ?? UNKNOWN_JURISDICTION, occurredAt: closed.closedAt };
    return toRectificationMessage(event.id, rectification, header);
  }
}
