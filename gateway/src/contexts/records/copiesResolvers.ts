import { enumName } from "@ihp/contracts";
import {
  type CopyRequestView,
  type CustodyView,
  RecordAccessAuditServiceService,
  RecordCopyServiceService,
  RecordCustodyServiceService,
  RecordExportServiceService,
} from "@ihp/contracts/records";
import type * as Gql from "../../gen/graphql.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { orNull } from "./resolvers.js";

// Exports, copies, minimized access logs and custody (copies.graphql) through the records service's copies.proto
// services. The gateway converts; the records service decides (deny by default), records every read and refusal.

const copyRequestView = (view: CopyRequestView): Gql.RecordCopyRequest => ({
  ...view,
  status: enumName("COPY_REQUEST_STATUS_", view.status),
  copyId: orNull(view.copyId),
});
const custodyView = (view: CustodyView): Gql.RecordCustody => ({
  ...view,
  name: view.name ?? null,
  successorInstitutionId: view.successorInstitutionId ?? null,
  verifiedFor: orNull(view.verifiedFor),
});
const custody = (response: { readonly custody?: CustodyView | undefined }) => custodyView(present(response.custody, "custody"));

function copiesResolvers(deps: ContextDeps) {
  /**
   * The caller's scope (anonymous allowed for the public checks: no token needed, but a token that is sent must still
   * be valid) and the records service's clients, looked up per call. The records service judges.
   */
  async function call(context: HttpContext, open = false) {
    const actor = open ? await context.caller.optionalActor() : await context.caller.actor();
    return {
      scope: callScope(deps, context, actor),
      exports: deps.downstream.service("records", RecordExportServiceService),
      copies: deps.downstream.service("records", RecordCopyServiceService),
      audit: deps.downstream.service("records", RecordAccessAuditServiceService),
      custodian: deps.downstream.service("records", RecordCustodyServiceService),
    };
  }

  const Query = {
    async medicalRecordCda(_root, { recordId }, context) {
      const { scope, exports } = await call(context);
      return present((await exports.exportRecordCda({ recordId }, scope)).export, "export").content;
    },
    async medicalRecordFhir(_root, { recordId }, context) {
      const { scope, exports } = await call(context);
      return present((await exports.exportRecordFhir({ recordId }, scope)).export, "export").content;
    },
    async medicalRecordAccessAudit(_root, args, context) {
      const { scope, audit } = await call(context);
      const response = await audit.listRecordAccessAudit({ recordId: args.recordId ?? undefined, accessorId: args.accessorId ?? undefined }, scope);
      return response.entries.map((entry) => ({ ...entry, outcome: enumName("ACCESS_OUTCOME_", entry.outcome), reasonCode: entry.reasonCode ?? null }));
    },
    async verifyRecordCopy(_root, { input }, context) {
      const { content, contentSha256, seal } = input;
      const { scope, copies } = await call(context, true);
      const response = await copies.verifyRecordCopy({ content: content ?? undefined, contentSha256: contentSha256 ?? undefined, seal }, scope);
      return { valid: response.valid, reason: orNull(response.reason) };
    },
    async institutionSeal(_root, { institutionId }, context) {
      const { scope, copies } = await call(context, true);
      return copies.getInstitutionSeal({ institutionId }, scope);
    },
    async custodyManifest(_root, { institutionId }, context) {
      const { scope, custodian } = await call(context);
      return (await custodian.getCustodyManifest({ institutionId }, scope)).items;
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async requestRecordCopy(_root, { input }, context) {
      const { scope, copies } = await call(context);
      const response = await copies.requestRecordCopy({ ...input, recordIds: [...input.recordIds], proofs: [...input.proofs] }, scope);
      return copyRequestView(present(response.request, "request"));
    },
    async approveRecordCopy(_root, { input }, context) {
      const { scope, copies } = await call(context);
      const response = await copies.approveRecordCopy({ requestId: input.requestId }, scope);
      return { ...response, request: copyRequestView(present(response.request, "request")), seal: present(response.seal, "seal") };
    },
    async rejectRecordCopy(_root, { input }, context) {
      const { scope, copies } = await call(context);
      return copyRequestView(present((await copies.rejectRecordCopy(input, scope)).request, "request"));
    },
    async renameCustodian(_root, { input }, context) {
      const { scope, custodian } = await call(context);
      return custody(await custodian.renameCustodian(input, scope));
    },
    async designateSuccessorCustodian(_root, { input }, context) {
      const { scope, custodian } = await call(context);
      return custody(await custodian.designateSuccessor(input, scope));
    },
    async verifyCustodyTransfer(_root, { input }, context) {
      const { scope, custodian } = await call(context);
      return custody(await custodian.verifyCustodyTransfer({ ...input, received: [...input.received] }, scope));
    },
    async closeCustodian(_root, { input }, context) {
      const { scope, custodian } = await call(context);
      return custody(await custodian.closeCustodian(input, scope));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  return { Query, Mutation };
}

/** Records exports, copies, minimized access logs and custody (contexts/records/copies.graphql, issue 11). */
export const recordsCopiesModule: GatewayModule = {
  name: "records-copies",
  schemaFile: new URL("./copies.graphql", import.meta.url),
  resolvers: copiesResolvers,
};
