import {
  type ApproveRecordDestructionResponse,
  type GetSealSnapshotResponse,
  type ListDueForDestructionResponse,
  type RecordLifecycle,
  RecordLifecycleServiceClient,
  type SealAttestation,
} from "@ihp/contracts/records";
import { unary } from "../../grpc/unary.js";
import { callScope, type HttpContext, present } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

/** What every lifecycle act answers (CosignRecordResponse, ArchiveRecordResponse, …): the record's lifecycle state. */
type LifecycleAnswer = { readonly record?: RecordLifecycle | undefined };

type Client = RecordLifecycleServiceClient;
type Metadata = Parameters<Client["archiveRecord"]>[1];
type Options = Parameters<Client["archiveRecord"]>[2];
type Invoke<Res> = (client: Client, metadata: Metadata, options: Options, done: (error: Error | null, response: Res) => void) => unknown;
type Args<T> = { readonly input: T };

const STATUSES = ["DRAFT", "PENDING_COSIGN", "SIGNED", "ARCHIVED", "DESTROYED"] as const;
/** The proto's "not set" is the empty string; GraphQL says null. */
const orNull = (value: string): string | null => (value === "" ? null : value);

export function lifecycleView(record: RecordLifecycle) {
  const { seal } = record;
  return {
    ...record,
    status: (STATUSES as readonly string[]).includes(record.status) ? record.status : null,
    cosignerId: orNull(record.cosignerId),
    completedAt: orNull(record.completedAt),
    restrictedAt: orNull(record.restrictedAt),
    destructionApprovalId: orNull(record.destructionApprovalId),
    destructionApprovedBy: orNull(record.destructionApprovedBy),
    seal: seal === undefined ? null : { ...seal, lastClaimAt: orNull(seal.lastClaimAt) },
  };
}

const destructionView = (response: ApproveRecordDestructionResponse) => ({ ...response, records: response.records.map(lifecycleView) });

type LifecycleInput = { requestId: string; recordId: string };
type SealInput = LifecycleInput & { version: number; attestations: SealAttestation[] };

function lifecycleResolvers(deps: ContextDeps) {
  /** One call as the caller; the records service checks role, custodian and rules (deny by default there). */
  async function call<Res>(context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
    const actor = await context.caller.actor();
    const client = deps.downstream.client("records", RecordLifecycleServiceClient);
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(client, metadata, options, done));
  }
  const one = (response: LifecycleAnswer) => lifecycleView(present(response.record, "record"));

  const Query = {
    async recordsDueForDestruction(_root: unknown, _args: unknown, context: HttpContext) {
      const response = await call<ListDueForDestructionResponse>(context, (c, m, o, done) => c.listDueForDestruction({}, m, o, done));
      return { day: response.day, items: response.items.map((item) => ({ ...item, mediaId: orNull(item.mediaId) })) };
    },
    async medicalRecordSealSnapshot(_root: unknown, args: { recordId: string }, context: HttpContext) {
      return call<GetSealSnapshotResponse>(context, (c, m, o, done) => c.getSealSnapshot({ recordId: args.recordId }, m, o, done));
    },
  };

  const Mutation = {
    async cosignMedicalRecord(_root: unknown, { input }: Args<LifecycleInput & { version: number }>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.cosignRecord(input, m, o, done)));
    },
    async archiveMedicalRecord(_root: unknown, { input }: Args<LifecycleInput>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.archiveRecord(input, m, o, done)));
    },
    async addMedicalRecordAddendum(_root: unknown, { input }: Args<LifecycleInput & { text: string; reason: string }>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.addRecordAddendum(input, m, o, done)));
    },
    async placeRecordLegalHold(_root: unknown, { input }: Args<LifecycleInput & { holdId: string; reasonCode?: string | null }>, context: HttpContext) {
      const request = { ...input, reasonCode: input.reasonCode ?? "" };
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.placeLegalHold(request, m, o, done)));
    },
    async removeRecordLegalHold(_root: unknown, { input }: Args<LifecycleInput & { holdId: string }>, context: HttpContext) {
      const { requestId, recordId, holdId } = input;
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.removeLegalHold({ requestId, recordId, holdId }, m, o, done)));
    },
    async restrictMedicalRecord(_root: unknown, { input }: Args<LifecycleInput>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.restrictRecord(input, m, o, done)));
    },
    async approveRecordDestruction(_root: unknown, { input }: Args<{ requestId: string; patientId: string }>, context: HttpContext) {
      return destructionView(await call<ApproveRecordDestructionResponse>(context, (c, m, o, done) => c.approveRecordDestruction(input, m, o, done)));
    },
    async destroyPatientRecords(_root: unknown, { input }: Args<{ requestId: string; patientId: string; approvalId: string }>, context: HttpContext) {
      return destructionView(await call<ApproveRecordDestructionResponse>(context, (c, m, o, done) => c.destroyPatientRecords(input, m, o, done)));
    },
    async sealMedicalRecord(_root: unknown, { input }: Args<SealInput & { sealId: string }>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.sealRecord(input, m, o, done)));
    },
    async sealMedicalRecordIncrement(_root: unknown, { input }: Args<SealInput>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.sealRecordIncrement(input, m, o, done)));
    },
    async lodgeMedicalRecordDisputeClaim(_root: unknown, { input }: Args<LifecycleInput & { claimId: string }>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.lodgeDisputeClaim(input, m, o, done)));
    },
    async resolveMedicalRecordDispute(_root: unknown, { input }: Args<LifecycleInput>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.resolveDispute(input, m, o, done)));
    },
    async unsealMedicalRecord(_root: unknown, { input }: Args<LifecycleInput & { attestations: SealAttestation[] }>, context: HttpContext) {
      return one(await call<LifecycleAnswer>(context, (c, m, o, done) => c.unsealRecord(input, m, o, done)));
    },
  };

  return { Query, Mutation };
}

/** The records lifecycle API (contexts/records/lifecycle.graphql, issue 11 items 3, 6, 8, 9). */
export const recordsLifecycleModule: GatewayModule = {
  name: "records-lifecycle",
  schemaFile: new URL("./lifecycle.graphql", import.meta.url),
  resolvers: lifecycleResolvers,
};
