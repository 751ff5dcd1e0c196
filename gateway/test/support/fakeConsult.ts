// The one consult RPC the identity stack needs: the gateway's stepUp asks consult GetConsult, with the caller's own
// token, whether the consult exists and is the caller's to act on, before identity records a step-up (IDN-03).
import {
  type Consult,
  ConsultEligibility,
  ConsultServiceService,
  type ConsultServiceServer,
  ConsultStatus,
  ConsultType,
} from "@ihp/contracts/consult";
import { DomainError } from "@ihp/eventsourcing";
import { authorize, createGrpcHandlers, denialError, type Logger, type PrincipalResolver, serveGrpc } from "@ihp/platform";

export interface FakeConsult {
  readonly address: string;
  /** The consults that exist, by id; tests add theirs. */
  readonly consults: Map<string, Consult>;
  /** How many GetConsult calls were answered (including refusals). */
  readonly reads: () => number;
  stop(): Promise<void>;
}

/** The identity service's consult-id syntax (the real consult service is stricter: lower-case UUIDs). */
const CONSULT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A WAITING consult of `institutionId`, as the real service answers GetConsult. */
export function waitingConsult(consultId: string, institutionId: string): Consult {
  return {
    consultId,
    institutionId,
    consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
    departmentCode: "03.07",
    patientId: "patient-0001",
    status: ConsultStatus.CONSULT_STATUS_WAITING,
    requestedAt: "2026-01-01T00:00:00Z",
    acceptBy: "2026-01-02T00:00:00Z",
    confirmedDiagnoses: [],
    eligibility: ConsultEligibility.CONSULT_ELIGIBILITY_PENDING,
    diagnoses: [],
    revision: 1n,
  };
}

/**
 * GetConsult with the real service's refusals in its order: roles that never read a consult, a malformed id, an id
 * that names nothing, a consult of another institution (a waiting consult is readable by its institution's physicians).
 */
export async function startFakeConsult(options: { readonly verifier: PrincipalResolver; readonly logger: Logger }): Promise<FakeConsult> {
  const handlers = createGrpcHandlers({ logger: options.logger, verifier: options.verifier });
  const consults = new Map<string, Consult>();
  let reads = 0;
  const implementation: Partial<ConsultServiceServer> = {
    getConsult: handlers.unary(async (request, call) => {
      reads++;
      const decision = authorize(call.principal, { roles: ["patient", "physician", "institution_admin"] });
      if (!decision.allowed) throw denialError(decision);
      if (!CONSULT_ID.test(request.consultId)) throw new DomainError("INVALID_CONSULT_ID", "INVALID_ARGUMENT", "The consult id is not valid.");
      const consult = consults.get(request.consultId);
      if (consult === undefined) throw new DomainError("CONSULT_NOT_FOUND", "NOT_FOUND", "The consult was not found.");
      const tenant = authorize(call.principal, { roles: ["physician", "institution_admin"], tenantId: consult.institutionId });
      if (!tenant.allowed) throw new DomainError("NOT_CONSULT_PARTICIPANT", "PERMISSION_DENIED", "You are not a participant of this consult.");
      return Promise.resolve({ consult });
    }),
  };
  const server = await serveGrpc({ port: 0, services: [{ definition: ConsultServiceService, implementation: implementation as ConsultServiceServer }] });
  return { address: `127.0.0.1:${server.port}`, consults, reads: () => reads, stop: () => server.stop(500) };
}
