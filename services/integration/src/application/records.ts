import { type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import { type HisPatientEvent, type HisPatientState, hisPatientDecider } from "../domain/hisPatient.js";
import { hisPatientStreamId, objectIndexStreamId, patientIndexStreamId, textOf } from "./ids.js";

/** Reads the HIS patients' streams: one patient's everything, or the HIS patient an encounter or report belongs to. */
export interface Records {
  readonly hisPatient: (institutionId: string, hisPatientId: string) => Promise<HisPatientState>;
  /** Every HIS patient (any institution) linked to this platform patient, with its institution and HIS id. */
  readonly ofPatient: (patientId: string) => Promise<readonly (HisPatientState & { readonly institutionId: string; readonly hisPatientId: string })[]>;
  readonly byObject: (kind: "encounter" | "lab" | "imaging", institutionId: string, objectId: string) => Promise<HisPatientState | undefined>;
}

function toEvent(event: StoredEvent): HisPatientEvent {
  return { type: event.type, data: event.data } as unknown as HisPatientEvent;
}

export function createRecords(store: EventStore): Records {
  async function hisPatient(institutionId: string, hisPatientId: string): Promise<HisPatientState> {
    return fold(hisPatientDecider, (await store.readStream(hisPatientStreamId(institutionId, hisPatientId))).map(toEvent));
  }
  return {
    hisPatient,
    async ofPatient(patientId) {
      const seen = new Set<string>();
      const out = [];
      for (const event of await store.readStream(patientIndexStreamId(patientId))) {
        const institutionId = textOf(event.data, "institutionId");
        const hisPatientId = textOf(event.data, "hisPatientId");
        const key = `${institutionId}~${hisPatientId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const state = await hisPatient(institutionId, hisPatientId);
        if (state.patientId === patientId) out.push({ ...state, institutionId, hisPatientId });
      }
      return out;
    },
    async byObject(kind, institutionId, objectId) {
      const [index] = await store.readStream(objectIndexStreamId(kind, institutionId, objectId));
      if (index === undefined) return undefined;
      return hisPatient(institutionId, textOf(index.data, "hisPatientId"));
    },
  };
}
