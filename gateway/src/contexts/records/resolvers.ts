import {
  type AccessEntry,
  type AmendRecordResponse,
  type GetRecordByConsultResponse,
  type GetRecordResponse,
  type ListPatientRecordsResponse,
  type ListRecordAccessResponse,
  type ListRecordVersionsResponse,
  type Record as RecordMessage,
  type RecordSections,
  RecordsServiceClient,
  type RecordVersion,
  type SignRecordResponse,
  type WatchPendingCosignResponse,
} from "@ihp/contracts/records";
import { AuthenticationError } from "@ihp/platform";
import { publicStream } from "../../grpc/publicStream.js";
import { serverStream } from "../../grpc/serverStream.js";
import { unary } from "../../grpc/unary.js";
import { requestTrace } from "../../http/requestTrace.js";
import { callScope, type HttpContext, present, type WsContext } from "../../resolvers/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

type Client = RecordsServiceClient;
type Metadata = Parameters<Client["getRecord"]>[1];
type Options = Parameters<Client["getRecord"]>[2];
type Invoke<Res> = (client: Client, metadata: Metadata, options: Options, done: (error: Error | null, response: Res) => void) => unknown;

const STATUSES = ["DRAFT", "PENDING_COSIGN", "SIGNED", "ARCHIVED", "DESTROYED"] as const;
/** The proto's "not set" is the empty string; GraphQL says null. */
const orNull = (value: string): string | null => (value === "" ? null : value);

export function recordView(record: RecordMessage) {
  const { sections, media, patientSex, department, ...rest } = record;
  return {
    ...rest,
    status: (STATUSES as readonly string[]).includes(record.status) ? record.status : null,
    hisPatientId: orNull(record.hisPatientId),
    priorRecordId: orNull(record.priorRecordId),
    completedAt: orNull(record.completedAt),
    patientName: orNull(record.patientName),
    patientBirthDate: orNull(record.patientBirthDate),
    patientSex: patientSex ?? null,
    department: present(department, "department"),
    sections: sections ?? null,
    media: media.map((item) => ({ ...item, bytes: Number(item.bytes) })),
  };
}

const versionView = (version: RecordVersion) => ({
  ...version,
  changes: version.changes.map((change) => ({ op: change.op, path: change.path, before: orNull(change.beforeJson), after: orNull(change.afterJson) })),
});

const accessView = (entry: AccessEntry) => ({ ...entry, reasonCode: orNull(entry.reasonCode) });

interface Input<T> {
  readonly input: T;
}

function recordsResolvers(deps: ContextDeps) {
  // Looked up per call: without a records address these fields answer SERVICE_NOT_CONFIGURED.
  const client = (): Client => deps.downstream.client("records", RecordsServiceClient);

  /** One call as the caller; the records service judges and records every read (deny by default there). */
  async function call<Res>(context: HttpContext, invoke: Invoke<Res>): Promise<Res> {
    const actor = await context.caller.actor();
    const records = client();
    return unary<Res>(callScope(deps, context, actor), (metadata, options, done) => invoke(records, metadata, options, done));
  }

  const one = (response: { readonly record: RecordMessage | undefined }) => recordView(present(response.record, "record"));

  const Query = {
    async medicalRecord(_root: unknown, args: { recordId: string }, context: HttpContext) {
      return one(await call<GetRecordResponse>(context, (records, metadata, options, done) => records.getRecord({ recordId: args.recordId }, metadata, options, done)));
    },
    async medicalRecordOfConsult(_root: unknown, args: { consultId: string }, context: HttpContext) {
      return one(
        await call<GetRecordByConsultResponse>(context, (records, metadata, options, done) => records.getRecordByConsult({ consultId: args.consultId }, metadata, options, done)),
      );
    },
    async patientMedicalRecords(_root: unknown, args: { patientId?: string | null }, context: HttpContext) {
      const actor = await context.caller.actor();
      const patientId = args.patientId ?? actor?.principal.subject ?? "";
      const response = await call<ListPatientRecordsResponse>(context, (records, metadata, options, done) => records.listPatientRecords({ patientId }, metadata, options, done));
      return response.records.map(recordView);
    },
    async medicalRecordVersions(_root: unknown, args: { recordId: string }, context: HttpContext) {
      const response = await call<ListRecordVersionsResponse>(context, (records, metadata, options, done) =>
        records.listRecordVersions({ recordId: args.recordId }, metadata, options, done),
      );
      return response.versions.map(versionView);
    },
    async medicalRecordAccessLog(_root: unknown, args: { recordId: string }, context: HttpContext) {
      const response = await call<ListRecordAccessResponse>(context, (records, metadata, options, done) => records.listRecordAccess({ recordId: args.recordId }, metadata, options, done));
      return response.entries.map(accessView);
    },
  };

  const Mutation = {
    async amendMedicalRecord(_root: unknown, args: Input<{ requestId: string; recordId: string; expectedVersion: number; sections: RecordSections }>, context: HttpContext) {
      const { requestId, recordId, expectedVersion, sections } = args.input;
      return one(
        await call<AmendRecordResponse>(context, (records, metadata, options, done) => records.amendRecord({ requestId, recordId, expectedVersion, sections }, metadata, options, done)),
      );
    },
    async signMedicalRecord(_root: unknown, args: Input<{ requestId: string; recordId: string; version: number }>, context: HttpContext) {
      const { requestId, recordId, version } = args.input;
      return one(await call<SignRecordResponse>(context, (records, metadata, options, done) => records.signRecord({ requestId, recordId, version }, metadata, options, done)));
    },
  };

  const Subscription = {
    medicalRecordsAwaitingCosign: {
      subscribe(_root: unknown, _args: unknown, context: WsContext) {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const records = client();
          const trace = (context.trace ?? requestTrace({})).context;
          const stream = serverStream<WatchPendingCosignResponse>({ token: actor.token, trace }, (metadata, options) => records.watchPendingCosign({}, metadata, options));
          return publicStream(stream, (response) => (response.record === undefined ? null : recordView(response.record)), toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (record: ReturnType<typeof recordView>) => record,
    },
  };

  return { Query, Mutation, Subscription };
}

/** The records context's API (contexts/records/schema.graphql, issue 11). */
export const recordsModule: GatewayModule = {
  name: "records",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: recordsResolvers,
};
