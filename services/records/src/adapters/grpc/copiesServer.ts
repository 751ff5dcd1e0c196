import { enumValue, unlessEmpty } from "@ihp/contracts";
import type { EventStore } from "@ihp/eventsourcing";
import {
  CopyRequestStatus,
  type CopySealView,
  type ManifestItem as ManifestMessage,
  RecordAccessAuditServiceService,
  type RecordAccessAuditServiceServer,
  RecordCopyServiceService,
  type RecordCopyServiceServer,
  RecordCustodyServiceService,
  type RecordCustodyServiceServer,
  RecordExportServiceService,
  type RecordExportServiceServer,
} from "@ihp/contracts/records";
import type { AuditTrail, CallContext, GrpcHandlers } from "@ihp/platform";
import type { RecordReader } from "../../application/access.js";
import { type AccessAudit, createAccessAudit } from "../../application/accessAudit.js";
import { type CopyView, createRecordCopies, type RecordCopies } from "../../application/copies.js";
import type { InstitutionSeal, SealKeys } from "../../application/copiesSeal.js";
import { createCustody, type Custody } from "../../application/custody.js";
import { createRecordExports, type RecordExports } from "../../application/exports.js";
import type { RecordsIndex } from "../../application/recordsIndex.js";
import type { RecordStore } from "../../application/store.js";
import type { RenderingContext } from "../../renderings/index.js";
import { outcomeToProto } from "./convert.js";
import { callerOf } from "./recordsServer.js";

// The gRPC surfaces of copies.proto: exports, copies, minimized access logs and custody. Messages in, messages out;
// the application decides, records every read and every refusal.

export interface CopiesServerOptions {
  readonly handlers: GrpcHandlers;
  readonly exports: RecordExports;
  readonly copies: RecordCopies;
  readonly accessAudit: AccessAudit;
  readonly custody: Custody;
  readonly newId: () => string;
}

const sealFromProto = (seal: CopySealView | undefined): InstitutionSeal => ({
  institutionId: seal?.institutionId ?? "",
  keyId: seal?.keyId ?? "",
  algorithm: seal?.algorithm ?? "",
  value: seal?.value ?? "",
  sealedHash: seal?.sealedHash ?? "",
});

const toCopyView = (view: CopyView) => ({ ...view, recordIds: [...view.recordIds], status: enumValue(CopyRequestStatus, "COPY_REQUEST_STATUS_", view.status) });

const manifestFromProto = (items: readonly ManifestMessage[]) => items.map(({ kind, id, sha256 }) => ({ kind, id, sha256 }));

export function copiesServers(options: CopiesServerOptions): {
  exports: RecordExportServiceServer;
  copies: RecordCopyServiceServer;
  accessAudit: RecordAccessAuditServiceServer;
  custody: RecordCustodyServiceServer;
} {
  const { handlers, exports, copies, accessAudit, custody, newId } = options;
  const caller = (call: CallContext) => callerOf(call, newId);
  return {
    exports: {
      exportRecordCda: handlers.unary(async (request, call) => ({ export: await exports.cda(caller(call), request.recordId) })),
      exportRecordFhir: handlers.unary(async (request, call) => ({ export: await exports.fhir(caller(call), request.recordId) })),
    },
    copies: {
      requestRecordCopy: handlers.unary(async (request, call) => ({
        request: toCopyView(await copies.request(caller(call), {
          requestId: request.requestId,
          recordIds: request.recordIds,
          applicantType: request.applicantType,
          applicantId: request.applicantId,
          proofs: request.proofs.map(({ kind, sha256 }) => ({ kind, sha256: sha256.toLowerCase() })),
        })),
      })),
      approveRecordCopy: handlers.unary(async (request, call) => {
        const issued = await copies.approve(caller(call), request.requestId);
        return { request: toCopyView(issued.request), copyId: issued.copyId, content: issued.content, seal: issued.seal, issuedAt: issued.issuedAt };
      }),
      rejectRecordCopy: handlers.unary(async (request, call) => ({ request: toCopyView(await copies.reject(caller(call), request.requestId, request.reasonCode)) })),
      verifyRecordCopy: handlers.publicUnary(async ({ content, contentSha256, seal }) =>
        copies.verify({ content: content ?? "", contentSha256: contentSha256 ?? "", seal: sealFromProto(seal) }),
      ),
      getInstitutionSeal: handlers.publicUnary(async (request) => copies.institutionSeal(request.institutionId)),
    },
    accessAudit: {
      listRecordAccessAudit: handlers.unary(async (request, call) => ({
        entries: (await accessAudit(caller(call), { recordId: request.recordId ?? "", accessorId: request.accessorId ?? "" })).map((entry) => ({
          ...entry,
          outcome: outcomeToProto(entry.outcome),
          reasonCode: unlessEmpty(entry.reasonCode),
        })),
      })),
    },
    custody: {
      renameCustodian: handlers.unary(async (request, call) => ({
        custody: await custody.act(caller(call), request.institutionId, request.requestId, { type: "RenameCustodian", newName: request.newName }),
      })),
      designateSuccessor: handlers.unary(async (request, call) => ({
        custody: await custody.act(caller(call), request.institutionId, request.requestId, {
          type: "DesignateSuccessor",
          successorInstitutionId: request.successorInstitutionId,
          successorName: request.successorName,
          designationRef: request.designationRef,
        }),
      })),
      verifyCustodyTransfer: handlers.unary(async (request, call) => ({
        custody: await custody.act(caller(call), request.institutionId, request.requestId, {
          type: "VerifyTransfer",
          transferId: request.transferId,
          received: manifestFromProto(request.received),
        }),
      })),
      closeCustodian: handlers.unary(async (request, call) => ({
        custody: await custody.act(caller(call), request.institutionId, request.requestId, { type: "CloseCustodian" }),
      })),
      getCustodyManifest: handlers.unary(async (request, call) => ({ items: await custody.manifest(caller(call), request.institutionId) })),
    },
  };
}

/** The four services of copies.proto, built from the service host's parts (service.ts adds them next to its own). */
export function copiesBindings(options: {
  handlers: GrpcHandlers;
  store: EventStore;
  records: RecordStore;
  read: RecordReader;
  audit: AuditTrail;
  index: RecordsIndex;
  keys: SealKeys;
  context: RenderingContext;
  clock: () => Date;
  newId: () => string;
}) {
  const { handlers, store, records, read, audit, index, keys, context, clock, newId } = options;
  const servers = copiesServers({
    handlers,
    exports: createRecordExports({ read, context }),
    copies: createRecordCopies({ store, records, audit, keys, context, clock, newEventId: newId }),
    accessAudit: createAccessAudit({ index, records, audit }),
    custody: createCustody({ store, index, records, audit, clock, newEventId: newId }),
    newId,
  });
  return [
    { definition: RecordExportServiceService, implementation: servers.exports },
    { definition: RecordCopyServiceService, implementation: servers.copies },
    { definition: RecordAccessAuditServiceService, implementation: servers.accessAudit },
    { definition: RecordCustodyServiceService, implementation: servers.custody },
  ];
}
