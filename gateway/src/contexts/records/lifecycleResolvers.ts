import { enumName } from "@ihp/contracts";
import { type ApproveRecordDestructionResponse, type RecordLifecycle, RecordLifecycleServiceService } from "@ihp/contracts/records";
import type * as Gql from "../../gen/graphql.js";
import { unsigned } from "../../grpc/unsigned.js";
import { callScope, type HttpContext, present } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";
import { signatureView } from "./resolvers.js";

/** What every lifecycle act answers (CosignRecordResponse, ArchiveRecordResponse, …): the record's lifecycle state. */
type LifecycleAnswer = { readonly record?: RecordLifecycle | undefined };

export function lifecycleView(record: RecordLifecycle): Gql.MedicalRecordLifecycle {
  const { seal } = record;
  return {
    ...record,
    status: enumName("RECORD_STATUS_", record.status),
    cosignerId: record.cosignerId ?? null,
    completedAt: record.completedAt ?? null,
    restrictedAt: record.restrictedAt ?? null,
    destructionApprovalId: record.destructionApprovalId ?? null,
    destructionApprovedBy: record.destructionApprovedBy ?? null,
    seal: seal === undefined ? null : { ...seal, lastClaimAt: seal.lastClaimAt ?? null },
    signatures: record.signatures.map(signatureView),
  };
}

const destructionView = (response: ApproveRecordDestructionResponse): Gql.RecordDestruction => ({ ...response, records: response.records.map(lifecycleView) });
/** GraphQL's lists are read-only, the request's arrays are not. */
const attestations = <T extends { readonly attestations: readonly Gql.MedicalRecordSealAttestationInput[] }>(input: T) => ({ ...input, attestations: [...input.attestations] });
/** A seal of one version of the record. */
const sealOf = <T extends { readonly version: number; readonly attestations: readonly Gql.MedicalRecordSealAttestationInput[] }>(input: T) => ({ ...attestations(input), version: unsigned(input.version) });

function lifecycleResolvers(deps: ContextDeps) {
  /** The caller's scope and the client; the records service checks role, custodian and rules (deny by default there). */
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, lifecycle: deps.downstream.service("records", RecordLifecycleServiceService) };
  }
  const one = (response: LifecycleAnswer) => lifecycleView(present(response.record, "record"));

  const Query = {
    async recordsDueForDestruction(_root, _args, context) {
      const { scope, lifecycle } = await call(context);
      const response = await lifecycle.listDueForDestruction({}, scope);
      const items = response.items.map((item) => ({
        ...item,
        kind: enumName("DESTRUCTION_SUBJECT_KIND_", item.kind),
        mediaId: item.mediaId ?? null,
      }));
      return { day: response.day, items };
    },
    async medicalRecordSealSnapshot(_root, { recordId }, context) {
      const { scope, lifecycle } = await call(context);
      return lifecycle.getSealSnapshot({ recordId }, scope);
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async cosignMedicalRecord(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.cosignRecord({ ...input, version: unsigned(input.version) }, scope));
    },
    async archiveMedicalRecord(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.archiveRecord(input, scope));
    },
    async addMedicalRecordAddendum(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.addRecordAddendum(input, scope));
    },
    async placeRecordLegalHold(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.placeLegalHold({ ...input, reasonCode: input.reasonCode ?? "" }, scope));
    },
    async removeRecordLegalHold(_root, { input }, context) {
      const { requestId, recordId, holdId } = input;
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.removeLegalHold({ requestId, recordId, holdId }, scope));
    },
    async restrictMedicalRecord(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.restrictRecord(input, scope));
    },
    async approveRecordDestruction(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return destructionView(await lifecycle.approveRecordDestruction(input, scope));
    },
    async destroyPatientRecords(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return destructionView(await lifecycle.destroyPatientRecords(input, scope));
    },
    async sealMedicalRecord(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.sealRecord(sealOf(input), scope));
    },
    async sealMedicalRecordIncrement(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.sealRecordIncrement(sealOf(input), scope));
    },
    async lodgeMedicalRecordDisputeClaim(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.lodgeDisputeClaim(input, scope));
    },
    async resolveMedicalRecordDispute(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.resolveDispute(input, scope));
    },
    async unsealMedicalRecord(_root, { input }, context) {
      const { scope, lifecycle } = await call(context);
      return one(await lifecycle.unsealRecord(attestations(input), scope));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  return { Query, Mutation };
}

/** The records lifecycle API (contexts/records/lifecycle.graphql, issue 11 items 3, 6, 8, 9). */
export const recordsLifecycleModule: GatewayModule = {
  name: "records-lifecycle",
  schemaFile: new URL("./lifecycle.graphql", import.meta.url),
  resolvers: lifecycleResolvers,
};
