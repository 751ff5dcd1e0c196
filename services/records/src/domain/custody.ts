import type { Decider, DomainEvent } from "@ihp/eventsourcing";
import { type Committer, type Contribution, contribution } from "./contribution.js";
import { refusal } from "./errors.js";
import { refusing } from "@ihp/eventsourcing";
import { requireId, requireText } from "./rules.js";

// Custody of an institution's records (REC-13; Tianjin art. 21bis): a renamed hospital keeps its records (ids and
// retention clocks untouched: nothing here touches a record); closing needs a designated successor and a verified
// transfer. Stream records-custody-<institutionId>.

/** One item of a transfer manifest: a record (by document id) or a blob (by media id), with its SHA-256. */
export type ManifestItem = { readonly kind: "RECORD" | "BLOB"; readonly id: string; readonly sha256: string };

export type ManifestCheck = {
  readonly ok: boolean;
  /** Sent but not in the receipt. */
  readonly missing: ManifestItem[];
  /** In both, with different hashes. */
  readonly altered: ManifestItem[];
  /** In the receipt but never sent. */
  readonly unexpected: ManifestItem[];
};

/** REC-13: every record and blob sent arrived with the same hash, and nothing else arrived. */
export function compareManifests(sent: readonly ManifestItem[], received: readonly ManifestItem[]): ManifestCheck {
  const key = (item: ManifestItem) => `${item.kind}:${item.id}`;
  const arrived = new Map(received.map((item) => [key(item), item]));
  const sentKeys = new Set(sent.map(key));
  const missing = sent.filter((item) => !arrived.has(key(item)));
  const altered = sent.filter((item) => {
    const other = arrived.get(key(item));
    return other !== undefined && other.sha256 !== item.sha256;
  });
  const unexpected = received.filter((item) => !sentKeys.has(key(item)));
  return { ok: missing.length + altered.length + unexpected.length === 0, missing, altered, unexpected };
}

type Base = { readonly institutionId: string; readonly committer: Committer; readonly at: Date };

export type CustodyCommand =
  | (Base & { readonly type: "RenameCustodian"; readonly newName: string })
  | (Base & {
      readonly type: "DesignateSuccessor";
      readonly successorInstitutionId: string;
      readonly successorName: string;
      /** The health authority's designation document (指定机构的文书). */
      readonly designationRef: string;
    })
  | (Base & {
      readonly type: "VerifyTransfer";
      readonly transferId: string;
      /** The custodian's own manifest of every record and blob it holds, and the successor's signed receipt. */
      readonly sent: readonly ManifestItem[];
      readonly received: readonly ManifestItem[];
    })
  | (Base & { readonly type: "CloseCustodian" });

type Renamed = { readonly institutionId: string; readonly newName: string; readonly contribution: Contribution };
type Designated = {
  readonly institutionId: string;
  readonly successorInstitutionId: string;
  readonly successorName: string;
  readonly designationRef: string;
  readonly contribution: Contribution;
};
type Verified = {
  readonly institutionId: string;
  readonly transferId: string;
  readonly successorInstitutionId: string;
  readonly records: number;
  readonly blobs: number;
  readonly contribution: Contribution;
};
type Closed = { readonly institutionId: string; readonly successorInstitutionId: string; readonly contribution: Contribution };

export type CustodyEvent =
  | DomainEvent<"CustodianRenamed", Renamed>
  | DomainEvent<"SuccessorDesignated", Designated>
  | DomainEvent<"TransferVerified", Verified>
  | DomainEvent<"CustodianClosed", Closed>;

export type CustodyState = {
  readonly name: string | null;
  readonly successorInstitutionId: string | null;
  /** The successor the last verified transfer went to. */
  readonly verifiedFor: string | null;
  readonly closed: boolean;
};

function decide(command: CustodyCommand, state: CustodyState): CustodyEvent[] {
  if (state.closed) throw refusal("CUSTODIAN_CLOSED");
  requireId(command.institutionId, "institutionId");
  const institutionId = command.institutionId;
  // The institution's own staff; a successor is designated by the health authority (a regulator account).
  const authority = command.type === "DesignateSuccessor" && command.committer.role === "regulator";
  if (!authority && command.committer.institutionId !== institutionId) throw refusal("NOT_CUSTODIAN");
  switch (command.type) {
    case "RenameCustodian": {
      const newName = requireText(command.newName, "newName", 200);
      const data = { institutionId, newName, contribution: contribution(command.committer, command.at, "modification", null) };
      return [{ type: "CustodianRenamed", data }];
    }
    case "DesignateSuccessor": {
      requireId(command.successorInstitutionId, "successorInstitutionId");
      if (command.successorInstitutionId === institutionId) throw refusal("SUCCESSOR_IS_SELF");
      const data = {
        institutionId,
        successorInstitutionId: command.successorInstitutionId,
        successorName: requireText(command.successorName, "successorName", 200),
        designationRef: requireText(command.designationRef, "designationRef", 200),
        contribution: contribution(command.committer, command.at, "modification", null),
      };
      return [{ type: "SuccessorDesignated", data }];
    }
    case "VerifyTransfer": {
      if (state.successorInstitutionId === null) throw refusal("SUCCESSOR_REQUIRED");
      requireId(command.transferId, "transferId");
      const check = compareManifests(command.sent, command.received);
      if (!check.ok) {
        const counts = `missing ${check.missing.length}, altered ${check.altered.length}, unexpected ${check.unexpected.length}`;
        throw refusal("TRANSFER_MISMATCH", counts);
      }
      const data = {
        institutionId,
        transferId: command.transferId,
        successorInstitutionId: state.successorInstitutionId,
        records: command.sent.filter((i) => i.kind === "RECORD").length,
        blobs: command.sent.filter((i) => i.kind === "BLOB").length,
        contribution: contribution(command.committer, command.at, "modification", "verify"),
      };
      return [{ type: "TransferVerified", data }];
    }
    case "CloseCustodian": {
      if (state.successorInstitutionId === null) throw refusal("SUCCESSOR_REQUIRED");
      if (state.verifiedFor !== state.successorInstitutionId) throw refusal("TRANSFER_NOT_VERIFIED");
      const data = {
        institutionId,
        successorInstitutionId: state.successorInstitutionId,
        contribution: contribution(command.committer, command.at, "modification", "transmit"),
      };
      return [{ type: "CustodianClosed", data }];
    }
  }
}

function evolve(state: CustodyState, event: CustodyEvent): CustodyState {
  switch (event.type) {
    case "CustodianRenamed":
      return { ...state, name: event.data.newName };
    case "SuccessorDesignated":
      // A new designation needs its own verified transfer.
      return { ...state, successorInstitutionId: event.data.successorInstitutionId, verifiedFor: null };
    case "TransferVerified":
      return { ...state, verifiedFor: event.data.successorInstitutionId };
    case "CustodianClosed":
      return { ...state, closed: true };
  }
}

export const custodyDecider: Decider<CustodyCommand, CustodyEvent, CustodyState> = {
  initialState: { name: null, successorInstitutionId: null, verifiedFor: null, closed: false },
  evolve,
  decide: refusing(decide),
};
