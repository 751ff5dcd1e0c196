import {
  type ApproveRecordCopyResponse,
  type CloseCustodianResponse,
  type CopyRequestView,
  type CustodyView,
  type DesignateSuccessorResponse,
  type ExportRecordCdaResponse,
  type ExportRecordFhirResponse,
  type GetCustodyManifestResponse,
  type GetInstitutionSealResponse,
  type ListRecordAccessAuditResponse,
  RecordAccessAuditServiceClient,
  RecordCopyServiceClient,
  RecordCustodyServiceClient,
  RecordExportServiceClient,
  type RejectRecordCopyResponse,
  type RenameCustodianResponse,
  type RequestRecordCopyResponse,
  type VerifyCustodyTransferResponse,
  type VerifyRecordCopyResponse,
} from "@ihp/contracts/records";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

// Exports, copies, minimized access logs and custody (copies.graphql) through the records service's copies.proto
// services. The gateway converts; the records service decides (deny by default), records every read and refusal.

type Invoke<Res> = Parameters<typeof unary<Res>>[1];

const orNull = (value: string): string | null => (value === "" ? null : value);
const copyRequestView = (view: CopyRequestView) => ({ ...view, copyId: orNull(view.copyId) });
const custodyView = (view: CustodyView) => ({
  ...view,
  name: orNull(view.name),
  successorInstitutionId: orNull(view.successorInstitutionId),
  verifiedFor: orNull(view.verifiedFor),
});

interface Input<T> {
  readonly input: T;
}

function copiesResolvers(deps: ContextDeps) {
  const exportsClient = () => deps.downstream.client("records", RecordExportServiceClient);
  const copiesClient = () => deps.downstream.client("records", RecordCopyServiceClient);
  const auditClient = () => deps.downstream.client("records", RecordAccessAuditServiceClient);
  const custodyClient = () => deps.downstream.client("records", RecordCustodyServiceClient);

  /** One call as the caller (anonymous allowed for the public checks): the records service judges. */
  async function call<Client, Res>(context: HttpContext, client: () => Client, invoke: (client: Client, ...rest: Parameters<Invoke<Res>>) => unknown, open = false): Promise<Res> {
    // Public fields: no token needed, but a token that is sent must still be valid.
    const actor = open ? await context.caller.optionalActor() : await context.caller.actor();
    const target = client();
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(target, metadata, options, done));
  }

  const custody = (response: { readonly custody: CustodyView | undefined }) => custodyView(present(response.custody, "custody"));

  const Query = {
    async medicalRecordCda(_root: unknown, args: { recordId: string }, context: HttpContext) {
      const response = await call<RecordExportServiceClient, ExportRecordCdaResponse>(context, exportsClient, (c, m, o, d) => c.exportRecordCda({ recordId: args.recordId }, m, o, d));
      return present(response.export, "export").content;
    },
    async medicalRecordFhir(_root: unknown, args: { recordId: string }, context: HttpContext) {
      const response = await call<RecordExportServiceClient, ExportRecordFhirResponse>(context, exportsClient, (c, m, o, d) => c.exportRecordFhir({ recordId: args.recordId }, m, o, d));
      return present(response.export, "export").content;
    },
    async medicalRecordAccessAudit(_root: unknown, args: { recordId?: string | null; accessorId?: string | null }, context: HttpContext) {
      const request = { recordId: args.recordId ?? "", accessorId: args.accessorId ?? "" };
      const response = await call<RecordAccessAuditServiceClient, ListRecordAccessAuditResponse>(context, auditClient, (c, m, o, d) => c.listRecordAccessAudit(request, m, o, d));
      return response.entries.map((entry) => ({ ...entry, reasonCode: orNull(entry.reasonCode) }));
    },
    async verifyRecordCopy(
      _root: unknown,
      args: Input<{ content?: string | null; contentSha256?: string | null; seal: { institutionId: string; keyId: string; algorithm: string; value: string; sealedHash: string } }>,
      context: HttpContext,
    ) {
      const { content, contentSha256, seal } = args.input;
      const request = { content: content ?? "", contentSha256: contentSha256 ?? "", seal };
      const response = await call<RecordCopyServiceClient, VerifyRecordCopyResponse>(context, copiesClient, (c, m, o, d) => c.verifyRecordCopy(request, m, o, d), true);
      return { valid: response.valid, reason: orNull(response.reason) };
    },
    async institutionSeal(_root: unknown, args: { institutionId: string }, context: HttpContext) {
      return call<RecordCopyServiceClient, GetInstitutionSealResponse>(context, copiesClient, (c, m, o, d) => c.getInstitutionSeal({ institutionId: args.institutionId }, m, o, d), true);
    },
    async custodyManifest(_root: unknown, args: { institutionId: string }, context: HttpContext) {
      const response = await call<RecordCustodyServiceClient, GetCustodyManifestResponse>(context, custodyClient, (c, m, o, d) => c.getCustodyManifest({ institutionId: args.institutionId }, m, o, d));
      return response.items;
    },
  };

  const Mutation = {
    async requestRecordCopy(
      _root: unknown,
      args: Input<{ requestId: string; recordIds: string[]; applicantType: string; applicantId: string; proofs: { kind: string; sha256: string }[] }>,
      context: HttpContext,
    ) {
      const response = await call<RecordCopyServiceClient, RequestRecordCopyResponse>(context, copiesClient, (c, m, o, d) => c.requestRecordCopy(args.input, m, o, d));
      return copyRequestView(present(response.request, "request"));
    },
    async approveRecordCopy(_root: unknown, args: Input<{ requestId: string }>, context: HttpContext) {
      const response = await call<RecordCopyServiceClient, ApproveRecordCopyResponse>(context, copiesClient, (c, m, o, d) => c.approveRecordCopy({ requestId: args.input.requestId }, m, o, d));
      return { ...response, request: copyRequestView(present(response.request, "request")), seal: present(response.seal, "seal") };
    },
    async rejectRecordCopy(_root: unknown, args: Input<{ requestId: string; reasonCode: string }>, context: HttpContext) {
      const response = await call<RecordCopyServiceClient, RejectRecordCopyResponse>(context, copiesClient, (c, m, o, d) => c.rejectRecordCopy(args.input, m, o, d));
      return copyRequestView(present(response.request, "request"));
    },
    async renameCustodian(_root: unknown, args: Input<{ requestId: string; institutionId: string; newName: string }>, context: HttpContext) {
      return custody(await call<RecordCustodyServiceClient, RenameCustodianResponse>(context, custodyClient, (c, m, o, d) => c.renameCustodian(args.input, m, o, d)));
    },
    async designateSuccessorCustodian(
      _root: unknown,
      args: Input<{ requestId: string; institutionId: string; successorInstitutionId: string; successorName: string; designationRef: string }>,
      context: HttpContext,
    ) {
      return custody(await call<RecordCustodyServiceClient, DesignateSuccessorResponse>(context, custodyClient, (c, m, o, d) => c.designateSuccessor(args.input, m, o, d)));
    },
    async verifyCustodyTransfer(
      _root: unknown,
      args: Input<{ requestId: string; institutionId: string; transferId: string; received: { kind: string; id: string; sha256: string }[] }>,
      context: HttpContext,
    ) {
      return custody(await call<RecordCustodyServiceClient, VerifyCustodyTransferResponse>(context, custodyClient, (c, m, o, d) => c.verifyCustodyTransfer(args.input, m, o, d)));
    },
    async closeCustodian(_root: unknown, args: Input<{ requestId: string; institutionId: string }>, context: HttpContext) {
      return custody(await call<RecordCustodyServiceClient, CloseCustodianResponse>(context, custodyClient, (c, m, o, d) => c.closeCustodian(args.input, m, o, d)));
    },
  };

  return { Query, Mutation };
}

/** Records exports, copies, minimized access logs and custody (contexts/records/copies.graphql, issue 11). */
export const recordsCopiesModule: GatewayModule = {
  name: "records-copies",
  schemaFile: new URL("./copies.graphql", import.meta.url),
  resolvers: copiesResolvers,
};
