import { type EventStore, handleCommand } from "@ihp/eventsourcing";
import type { DrugCatalogue } from "@ihp/drug-catalogue";
import { type AuditTrail, invalidCursor } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import { governanceDecider } from "../domain/governance/governance.js";
import type { Caller } from "./caller.js";
import { governanceStreamId, isPrescriptionId, prescriptionStreamId, requireInstitutionId, requirePrescriptionId } from "./ids.js";
import { authorized } from "./policy.js";
import { loadPrescription, type PrescriptionView } from "./prescriptionEvents.js";
import type { PrescriptionDb } from "./prescriptionsProjection.js";
import type { Prescription, ReviewStatus } from "../domain/prescriptions/index.js";
import { recordingRefusals } from "@ihp/platform";

export interface PrescriptionSummary {
  readonly prescriptionId: string;
  readonly consultId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly version: number;
  readonly status: Prescription["status"];
  readonly reviewStatus: ReviewStatus;
  readonly serialNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly drugNames: readonly string[];
  readonly updatedAt: string;
}

export interface PrescriberDrugTotal {
  readonly physicianId: string;
  readonly drugCode: string;
  readonly approvedName: string;
  readonly prescriptions: number;
}

export interface PrescriptionQueries {
  get(caller: Caller, prescriptionId: string): Promise<PrescriptionView>;
  listMine(caller: Caller, page: { first: number; after: string }): Promise<{ items: PrescriptionSummary[]; endCursor: string; hasNextPage: boolean }>;
  statistics(caller: Caller, input: { institutionId: string; purpose: string }): Promise<{ queryId: string; totals: PrescriberDrugTotal[] }>;
}

const CURSOR = /^p1:(\d{1,15})$/;
const MAX_PAGE = 100;
const MAX_TOTALS = 500;

export function createPrescriptionQueries(options: {
  readonly store: EventStore;
  readonly readModels: PrescriptionDb;
  readonly catalogue: DrugCatalogue;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
}): PrescriptionQueries {
  const { store, readModels, catalogue, audit, clock } = options;
  return {
    get(caller, rawId) {
      return recordingRefusals(audit, caller, "GetPrescription", isPrescriptionId(rawId) ? `prescription/${rawId}` : undefined, async () => {
        authorized("ReadPrescription", caller.principal);
        const view = await loadPrescription(store, catalogue, prescriptionStreamId(requirePrescriptionId(rawId)));
        const { subject } = caller.principal;
        const { consult } = view.prescription;
        // One convention for the whole API (gateway README): an existing prescription that is not yours is refused
        // with a permission code and the refusal audited, like a consult; NOT_FOUND only for ids that name nothing.
        if (subject !== consult.physicianId && subject !== consult.patientId) throw refusal("NOT_PRESCRIPTION_PARTICIPANT");
        return view;
      });
    },

    async listMine(caller, page) {
      const role = authorized("ReadPrescription", caller.principal);
      const limit = page.first === 0 ? 20 : Math.min(page.first, MAX_PAGE);
      let after = Number.MAX_SAFE_INTEGER;
      if (page.after !== "") {
        const match = CURSOR.exec(Buffer.from(page.after, "base64url").toString("utf8"));
        if (match === null) throw invalidCursor();
        after = Number(match[1]);
      }
      const column = role === "physician" ? "physician_id" : "patient_id";
      const rows = await readModels
        .selectFrom("prescriptions")
        .selectAll()
        .where(column, "=", caller.principal.subject)
        .where("seq", "<", after)
        .orderBy("seq", "desc")
        .limit(limit + 1)
        .execute();
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return {
        items: shown.map((row) => ({
          prescriptionId: row.prescription_id,
          consultId: row.consult_id,
          patientId: row.patient_id,
          physicianId: row.physician_id,
          version: Number(row.version),
          status: row.status,
          reviewStatus: row.review_status,
          serialNumber: row.serial_number,
          issuedOn: row.issued_on,
          validUntil: row.valid_until,
          drugNames: (JSON.parse(row.drugs) as [string, string][]).map(([, name]) => name),
          updatedAt: row.updated_at,
        })),
        endCursor: last === undefined ? "" : Buffer.from(`p1:${last.seq}`, "utf8").toString("base64url"),
        hasNextPage: rows.length > limit,
      };
    },

    statistics(caller, input) {
      return recordingRefusals(audit, caller, "GetPrescribingStatistics", undefined, async () => {
        const institutionId = requireInstitutionId(input.institutionId);
        const role = authorized("GetPrescribingStatistics", caller.principal, institutionId);
        const queryId = options.newId();
        const now = clock();
        // RX-11: the purpose is on record before any number leaves the service. The stream gains an event per query
        // and the decider keeps no state (null) and no request id is given, so nothing earlier counts: readLast reads
        // only the head, which still gives the revision the append expects, whatever the stream's length.
        await handleCommand(
          store,
          governanceDecider,
          {
            streamId: governanceStreamId(institutionId),
            command: { type: "RecordStatisticsQuery", queryId, institutionId, purpose: input.purpose, by: caller.principal.subject, at: now },
            metadata: { actorId: caller.principal.subject, actorRole: role, tenantId: institutionId, correlationId: caller.correlationId, causationId: queryId, ...caller.trace },
            readLast: true,
            now,
          },
          { newEventId: options.newId },
        );
        // The audit trail's copy, by id only (the purpose text stays in the governance stream): medical
        // administration and regulators see who looked at 统方 statistics through the audit query.
        await audit.recorded({
          principal: caller.principal,
          action: "GetPrescribingStatistics",
          resource: `prescribing-statistics/${queryId}`,
          ruleId: "RX-11",
          correlationId: caller.correlationId,
          trace: caller.trace,
        });
        const rows = await readModels
          .selectFrom("prescriber_drug_totals")
          .selectAll()
          .where("institution_id", "=", institutionId)
          .where("prescriptions", ">", 0)
          .orderBy("physician_id")
          .orderBy("drug_code")
          .limit(MAX_TOTALS)
          .execute();
        return {
          queryId,
          totals: rows.map((row) => ({
            physicianId: row.physician_id,
            drugCode: row.drug_code,
            approvedName: row.approved_name,
            prescriptions: Number(row.prescriptions),
          })),
        };
      });
    },
  };
}
