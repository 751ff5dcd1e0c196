// Small canned implementations of the identity and reporting gRPC contracts, served for real on port 0 with the
// platform kit (serveGrpc + createGrpcHandlers), so tokens are verified by the "services" as they will be.
import { HospitalGrade, type Institution, InstitutionServiceService, type InstitutionServiceServer, type PublicInstitution } from "@ihp/contracts/identity";
import { FeedCategory, type FeedEntry, RegulatorFeedServiceService, type RegulatorFeedServiceServer } from "@ihp/contracts/reporting";
import { DomainError } from "@ihp/eventsourcing";
import {
  authorize,
  bearerToken,
  createGrpcHandlers,
  denialError,
  HealthService,
  type Logger,
  type PrincipalResolver,
  type PublicCallContext,
  type RunningGrpcServer,
  serveGrpc,
} from "@ihp/platform";

/** What a fake service saw of one call. */
export interface SeenCall {
  readonly method: string;
  readonly token: string | undefined;
  readonly deadline: Date | undefined;
  readonly traceparent: string | undefined;
  readonly request: unknown;
}

export interface FakeServices {
  readonly address: string;
  readonly calls: SeenCall[];
  readonly health: HealthService;
  readonly publicInstitutions: PublicInstitution[];
  readonly feed: FeedEntry[];
  stop(): Promise<void>;
}

/** A subject code the fake identity service refuses, as the real one refuses codes outside the national list. */
export const UNKNOWN_SUBJECT = "99.99";
/** A name that makes the fake fail unexpectedly, with personal data in the error text that must not leak. */
export const EXPLODING_NAME = "boom";
export const LEAKY_DETAIL = "row 42 of patients: 张三 110101199003077777";

export function publicInstitution(index: number): PublicInstitution {
  return {
    institutionId: `pub-${index}`,
    name: `互联网医院 ${index}`,
    grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
    licenceNumber: `PDY-${index}`,
    subjectCodes: ["03.07"],
    jurisdiction: "guangxi",
  };
}

export function feedEntry(position: number, jurisdiction: string): FeedEntry {
  return {
    position: String(position),
    sourceEventId: `event-${position}`,
    category: FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION,
    institutionId: `inst-${position}`,
    jurisdiction,
    occurredAt: "2025-01-02T03:04:05Z",
    payload: { $case: "regulatorConnection", value: { connected: true, platformReference: `REF-${position}` } },
  };
}

/** Cursor paging as the services do it: the cursor is the index to continue from, empty at the start. */
function page<T>(items: readonly T[], first: number, after: string): { items: T[]; endCursor: string; hasNextPage: boolean } {
  const start = after === "" ? 0 : Number(after);
  // Services cap the page size; the fake caps at 50 so the gateway's own limit is what tests exercise.
  const end = Math.min(start + Math.min(first || 10, 50), items.length);
  return { items: items.slice(start, end), endCursor: end > start ? String(end) : "", hasNextPage: end < items.length };
}

export async function startFakeServices(options: { readonly verifier: PrincipalResolver; readonly logger: Logger }): Promise<FakeServices> {
  const handlers = createGrpcHandlers({ logger: options.logger, verifier: options.verifier });
  const calls: SeenCall[] = [];
  const institutions = new Map<string, Institution>();
  const publicInstitutions = Array.from({ length: 7 }, (_, index) => publicInstitution(index));
  const feed: FeedEntry[] = [feedEntry(1, "guangxi"), feedEntry(2, "tianjin"), feedEntry(3, "guangxi")];

  const see = (call: PublicCallContext, request: unknown): void => {
    const [traceparent] = call.metadata.get("traceparent");
    calls.push({
      method: call.method.split("/").at(-1) ?? "",
      token: bearerToken(call.metadata),
      deadline: call.deadline,
      traceparent: typeof traceparent === "string" ? traceparent : undefined,
      request,
    });
  };

  const identity: InstitutionServiceServer = {
    registerInstitution: handlers.unary(async (request, call) => {
      see(call, request);
      if (request.name === EXPLODING_NAME) throw new Error(`database exploded at ${LEAKY_DETAIL}`);
      if (request.subjectCodes.includes(UNKNOWN_SUBJECT)) {
        throw new DomainError("UNKNOWN_SUBJECT_CODE", "FAILED_PRECONDITION", "A diagnosis subject code is not on the national list.", "IDN-03");
      }
      const institution: Institution = {
        institutionId: `inst-${institutions.size + 1}`,
        name: request.name,
        grade: request.grade,
        licence: request.licence,
        subjectCodes: request.subjectCodes,
        jurisdiction: request.jurisdiction,
        hostInstitutionName: request.hostInstitutionName,
        hostLicenceNumber: request.hostLicenceNumber,
        regulatorConnected: false,
        revision: 9_007_199_254_740_993n,
      };
      institutions.set(institution.institutionId, institution);
      return Promise.resolve({ institution });
    }),
    changeLicence: handlers.unary(async (request, call) => {
      see(call, request);
      const current = institutions.get(request.institutionId);
      if (current === undefined) throw new DomainError("INSTITUTION_NOT_FOUND", "NOT_FOUND", "No such institution.");
      const institution = { ...current, licence: request.licence, subjectCodes: request.subjectCodes.length > 0 ? request.subjectCodes : current.subjectCodes };
      institutions.set(institution.institutionId, institution);
      return Promise.resolve({ institution });
    }),
    setRegulatorConnection: handlers.unary(async (request, call) => {
      see(call, request);
      const current = institutions.get(request.institutionId);
      if (current === undefined) throw new DomainError("INSTITUTION_NOT_FOUND", "NOT_FOUND", "No such institution.");
      const institution = { ...current, regulatorConnected: request.connected };
      institutions.set(institution.institutionId, institution);
      return Promise.resolve({ institution });
    }),
    getInstitution: handlers.unary(async (request, call) => {
      see(call, request);
      const institution = institutions.get(request.institutionId);
      if (institution === undefined) throw new DomainError("INSTITUTION_NOT_FOUND", "NOT_FOUND", "No such institution.");
      return Promise.resolve({ institution });
    }),
    listPublicInstitutions: handlers.publicUnary(async (request, call) => {
      see(call, request);
      const result = page(publicInstitutions, request.page?.first ?? 0, request.page?.after ?? "");
      return Promise.resolve({ institutions: result.items, pageInfo: { endCursor: result.endCursor, hasNextPage: result.hasNextPage } });
    }),
  };

  const reporting: RegulatorFeedServiceServer = {
    listFeed: handlers.unary(async (request, call) => {
      see(call, request);
      const decision = authorize(call.principal, { roles: ["regulator"] });
      if (!decision.allowed) throw denialError(decision);
      const visible = feed.filter((entry) => request.jurisdiction === "" || entry.jurisdiction === request.jurisdiction);
      const result = page(visible, request.page?.first ?? 0, request.page?.after ?? "");
      return Promise.resolve({ entries: result.items, pageInfo: { endCursor: result.endCursor, hasNextPage: result.hasNextPage } });
    }),
    streamFeed: handlers.serverStream(async (request, call) => {
      see(call, request);
      return Promise.resolve();
    }),
  };

  const health = new HealthService();
  const server: RunningGrpcServer = await serveGrpc({
    port: 0,
    services: [
      { definition: InstitutionServiceService, implementation: identity },
      { definition: RegulatorFeedServiceService, implementation: reporting },
    ],
    health,
  });
  return {
    address: `127.0.0.1:${server.port}`,
    calls,
    health,
    publicInstitutions,
    feed,
    stop: () => server.stop(1_000),
  };
}
