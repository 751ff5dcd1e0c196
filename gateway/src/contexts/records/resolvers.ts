import { enumName } from "@ihp/contracts";
import {
  type AccessEntry,
  type MediaReference,
  type Record as RecordMessage,
  type RecordSignature,
  RecordsServiceService,
  type RecordVersion,
} from "@ihp/contracts/records";
import { AuthenticationError } from "@ihp/platform";
import type * as Gql from "../../gen/graphql.js";
import { unsigned } from "../../grpc/unsigned.js";
import { publicStream } from "../../grpc/publicStream.js";
import { requestTrace } from "../../http/requestTrace.js";
import { callScope, type HttpContext, present, type WsContext } from "../../http/context.js";
import type { ContextDeps, GatewayModule } from "../module.js";

/** Where the proto still says "not set" with the empty string (a field a gRPC-level test pins to ""); GraphQL says null. */
export const orNull = (value: string): string | null => (value === "" ? null : value);

export const mediaView = (item: MediaReference): Gql.MedicalRecordMedia => ({ ...item, kind: enumName("MEDIA_KIND_", item.kind), bytes: Number(item.bytes) });
export const signatureView = (signature: RecordSignature): Gql.MedicalRecordSignature => ({
  ...signature,
  role: enumName("SIGNATURE_ROLE_", signature.role),
});

export function recordView(record: RecordMessage): Gql.MedicalRecord {
  const { sections, media, patientSex, department, priorRecordId, patientBirthDate, ...rest } = record;
  return {
    ...rest,
    status: enumName("RECORD_STATUS_", record.status),
    visitKind: enumName("VISIT_KIND_", record.visitKind),
    hisPatientId: orNull(record.hisPatientId),
    completedAt: orNull(record.completedAt),
    patientName: orNull(record.patientName),
    priorRecordId: priorRecordId ?? null,
    patientBirthDate: patientBirthDate ?? null,
    patientSex: patientSex ?? null,
    department: present(department, "department"),
    sections: sections ?? null,
    media: media.map(mediaView),
    signatures: record.signatures.map(signatureView),
  };
}

const versionView = (version: RecordVersion): Gql.MedicalRecordVersion => ({
  ...version,
  changes: version.changes.map((change) => ({ op: change.op, path: change.path, before: change.beforeJson ?? null, after: change.afterJson ?? null })),
});

const accessView = (entry: AccessEntry): Gql.RecordAccessEntry => ({
  ...entry,
  outcome: enumName("ACCESS_OUTCOME_", entry.outcome),
  reasonCode: entry.reasonCode ?? null,
});

function recordsResolvers(deps: ContextDeps) {
  /** The caller's scope and the client, looked up per call: without a records address SERVICE_NOT_CONFIGURED. The
   * records service judges and records every read (deny by default there). */
  async function call(context: HttpContext) {
    const scope = callScope(deps, context, await context.caller.actor());
    return { scope, records: deps.downstream.service("records", RecordsServiceService) };
  }

  const one = (response: { readonly record?: RecordMessage | undefined }) => recordView(present(response.record, "record"));

  const Query = {
    async medicalRecord(_root, { recordId }, context) {
      const { scope, records } = await call(context);
      return one(await records.getRecord({ recordId }, scope));
    },
    async medicalRecordOfConsult(_root, { consultId }, context) {
      const { scope, records } = await call(context);
      return one(await records.getRecordByConsult({ consultId }, scope));
    },
    async patientMedicalRecords(_root, args, context) {
      const actor = await context.caller.actor();
      const patientId = args.patientId ?? actor?.principal.subject ?? "";
      const records = deps.downstream.service("records", RecordsServiceService);
      return (await records.listPatientRecords({ patientId }, callScope(deps, context, actor))).records.map(recordView);
    },
    async medicalRecordVersions(_root, { recordId }, context) {
      const { scope, records } = await call(context);
      return (await records.listRecordVersions({ recordId }, scope)).versions.map(versionView);
    },
    async medicalRecordAccessLog(_root, { recordId }, context) {
      const { scope, records } = await call(context);
      return (await records.listRecordAccess({ recordId }, scope)).entries.map(accessView);
    },
  } satisfies Gql.QueryResolvers<HttpContext>;

  const Mutation = {
    async amendMedicalRecord(_root, { input }, context) {
      const { requestId, recordId, expectedVersion, sections } = input;
      const { auxiliaryExaminations, diagnoses, prescriptions } = sections;
      const { scope, records } = await call(context);
      const request = {
        requestId,
        recordId,
        expectedVersion: unsigned(expectedVersion),
        sections: { ...sections, auxiliaryExaminations: [...auxiliaryExaminations], diagnoses: [...diagnoses], prescriptions: [...prescriptions] },
      };
      return one(await records.amendRecord(request, scope));
    },
    async signMedicalRecord(_root, { input }, context) {
      const { requestId, recordId, version } = input;
      const { scope, records } = await call(context);
      return one(await records.signRecord({ requestId, recordId, version: unsigned(version) }, scope));
    },
  } satisfies Gql.MutationResolvers<HttpContext>;

  const Subscription = {
    medicalRecordsAwaitingCosign: {
      subscribe(_root, _args, context) {
        const toPublic = (error: unknown) => deps.publicError(error, context);
        try {
          const { actor } = context;
          if (actor === undefined) throw new AuthenticationError("TOKEN_MISSING");
          const records = deps.downstream.service("records", RecordsServiceService);
          const trace = (context.trace ?? requestTrace({})).context;
          const stream = records.watchPendingCosign({}, { token: actor.token, trace });
          return publicStream(stream, (response) => (response.record === undefined ? null : recordView(response.record)), toPublic);
        } catch (error) {
          throw toPublic(error);
        }
      },
      resolve: (record: Gql.MedicalRecord) => record,
    },
  } satisfies Gql.SubscriptionResolvers<WsContext>;

  return { Query, Mutation, Subscription };
}

/** The records context's API (contexts/records/schema.graphql, issue 11). */
export const recordsModule: GatewayModule = {
  name: "records",
  schemaFile: new URL("./schema.graphql", import.meta.url),
  resolvers: recordsResolvers,
};
