import type { RecordEvent } from "./recordEvents.js";
import type { MedicalRecord, RecordState } from "./recordTypes.js";

function update(state: RecordState, change: (record: MedicalRecord) => MedicalRecord): RecordState {
  if (state.status !== "exists") return state; // an event for a record that never existed changes nothing
  return { status: "exists", record: change(state.record) };
}

export function evolve(state: RecordState, event: RecordEvent): RecordState {
  switch (event.type) {
    case "RecordOriginated": {
      const d = event.data;
      return {
        status: "exists",
        record: {
          documentId: d.documentId,
          header: d.header,
          author: d.author,
          authorNeedsCosign: d.authorNeedsCosign,
          cosigner: null,
          status: "DRAFT",
          originatedAt: d.contribution.committedAt,
          completedAt: null,
          profileVersion: d.profileVersion,
          versions: [{ version: 1, sections: d.sections, media: d.media, contribution: d.contribution }],
          signatures: [],
          addenda: [],
          seal: null,
          holds: [],
          restrictedAt: null,
          destructionApproval: null,
          destroyedMedia: [],
        },
      };
    }
    case "RecordAmended": {
      const d = event.data;
      const version = { version: d.version, sections: d.sections, media: d.media, contribution: d.contribution };
      return update(state, (r) => ({ ...r, status: "DRAFT", completedAt: null, cosigner: null, versions: [...r.versions, version] }));
    }
    case "RecordAttested": {
      const d = event.data;
      const signature = { ...d.signature, version: d.version };
      return update(state, (r) => ({
        ...r,
        status: d.status,
        completedAt: d.completedAt === "" ? null : d.completedAt,
        signatures: [...r.signatures, signature],
      }));
    }
    case "RecordCosigned": {
      const d = event.data;
      const signature = { ...d.signature, version: d.version };
      return update(state, (r) => ({
        ...r,
        status: "SIGNED",
        cosigner: d.cosigner,
        completedAt: d.completedAt,
        signatures: [...r.signatures, signature],
      }));
    }
    case "RecordArchived":
      return update(state, (r) => ({ ...r, status: "ARCHIVED" }));
    case "AddendumAttested": {
      const d = event.data;
      const { addendumId, parentVersion, text, reason, signature, contribution } = d;
      const addendum = { addendumId, parentVersion, text, reason, signature, contribution };
      return update(state, (r) => ({ ...r, addenda: [...r.addenda, addendum] }));
    }
    case "RecordSealed": {
      const d = event.data;
      const at = d.contribution.committedAt;
      const part = { snapshotHash: d.snapshotHash, version: d.version, addendumIds: d.addendumIds, sealingList: d.sealingList, sealedAt: at };
      return update(state, (r) => ({ ...r, seal: { sealId: d.sealId, sealedAt: at, parts: [part], disputeOpen: true, lastClaimAt: null } }));
    }
    case "SealIncremented": {
      const d = event.data;
      const part = {
        snapshotHash: d.snapshotHash,
        version: d.version,
        addendumIds: d.addendumIds,
        sealingList: d.sealingList,
        sealedAt: d.contribution.committedAt,
      };
      return update(state, (r) => (r.seal === null ? r : { ...r, seal: { ...r.seal, parts: [...r.seal.parts, part] } }));
    }
    case "DisputeClaimLodged": {
      const at = event.data.contribution.committedAt;
      return update(state, (r) => (r.seal === null ? r : { ...r, seal: { ...r.seal, disputeOpen: true, lastClaimAt: at } }));
    }
    case "DisputeResolved":
      return update(state, (r) => (r.seal === null ? r : { ...r, seal: { ...r.seal, disputeOpen: false } }));
    case "RecordUnsealed":
      return update(state, (r) => ({ ...r, seal: null }));
    case "LegalHoldPlaced":
      return update(state, (r) => ({ ...r, holds: [...r.holds, event.data.holdId] }));
    case "LegalHoldRemoved":
      return update(state, (r) => ({ ...r, holds: r.holds.filter((id) => id !== event.data.holdId) }));
    case "RecordRestricted":
      return update(state, (r) => ({ ...r, restrictedAt: event.data.contribution.committedAt }));
    case "DestructionApproved": {
      const d = event.data;
      const approval = { approvalId: d.approvalId, approvedBy: d.approvedBy, approvedAt: d.contribution.committedAt };
      return update(state, (r) => ({ ...r, destructionApproval: approval }));
    }
    case "RecordDestroyed":
      // The content is gone (its keys are destroyed); the state keeps only what the tombstone says.
      return update(state, (r) => ({ ...r, status: "DESTROYED", versions: [], addenda: [], signatures: [] }));
    case "MediaDestroyed":
      return update(state, (r) => ({ ...r, destroyedMedia: [...r.destroyedMedia, event.data.mediaId] }));
    case "RecordAccessed":
      return state;
  }
}
