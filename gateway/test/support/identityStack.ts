import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClinicalObjectKind, SignatureServiceClient, type SignDocumentResponse } from "@ihp/contracts/identity";
import { identityConfigSchema, IDENTITY_ERRORS, type IdentityService, startIdentityService } from "@ihp/identity";
import {
  type BuiltinIssuer,
  callDeadline,
  channelCredentials,
  createLogger,
  openBuiltinIssuer,
  type PrincipalKind,
  type Role,
  TokenVerifier,
  withBearerToken,
} from "@ihp/platform";
import type { Bus } from "@ihp/messaging";
import { CONSULT_ERRORS } from "@ihp/consult";
import { identityModule } from "../../src/contexts/identity/resolvers.js";
import { createGateway, type Gateway } from "../../src/index.js";
import { type FakeConsult, startFakeConsult, waitingConsult } from "./fakeConsult.js";
import type { GraphQLBody } from "./harness.js";

/** The gateway with the identity module on the REAL identity service, one builtin issuer shared by both. */
export interface IdentityStack {
  readonly app: Gateway;
  readonly issuer: BuiltinIssuer;
  readonly grpcPort: number;
  /** The internet hospital registered at start (subjects 03 内科 and 07 儿科, Tianjin). */
  readonly institutionId: string;
  /** GetConsult, asked by the gateway's stepUp; holds consultOfSigning (WAITING, of institutionId). */
  readonly consult: FakeConsult;
  token(roles: readonly Role[], tenantId: string, subject: string, kind?: PrincipalKind): Promise<string>;
  /** A token of the institution's administrator. */
  admin(): Promise<string>;
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }>;
  /** SignDocument straight over gRPC: signing has no GraphQL field (prescriptions sign through their own service). */
  signDocument(token: string, requestId: string, document: Buffer, boundConsultId?: string): Promise<SignDocumentResponse>;
  close(): Promise<void>;
}

const REGISTER_INSTITUTION = /* GraphQL */ `
  mutation ($input: RegisterInstitutionInput!) { registerInstitution(input: $input) { id } }
`;

/** IDENTITY_STACK_LOG=error shows the service's and gateway's faults when a test fails with INTERNAL. */
const LOG_LEVEL = (process.env["IDENTITY_STACK_LOG"] ?? "silent") as "silent" | "error" | "debug";

/** `env` adds identity variables (e.g. LOGIN_MAX_FAILURES) to the defaults. */
export async function startIdentityStack(env: Record<string, string> = {}, bus?: Bus): Promise<IdentityStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-identity-"));
  // The issuer whose key lives in DATA_DIR: the same key the service's Login signs with (as in the embedded runner).
  const issuer = await openBuiltinIssuer(dataDir);
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const config = identityConfigSchema.parse({
    SERVICE_NAME: "identity",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
    ...env,
  });
  let service: IdentityService | undefined;
  let app: Gateway | undefined;
  let signer: SignatureServiceClient | undefined;
  let consult: FakeConsult | undefined;
  const close = async () => {
    signer?.close();
    await app?.close();
    await service?.stop();
    await consult?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    service = await startIdentityService({ config, verifier, logger: createLogger({ name: "identity", level: LOG_LEVEL }), ...(bus === undefined ? {} : { bus }) });
    const address = `127.0.0.1:${service.grpcPort}`;
    consult = await startFakeConsult({ verifier, logger: createLogger({ name: "consult", level: LOG_LEVEL }) });
    app = await createGateway({
      identity: address,
      // The consult stepUp asks whether the consult exists and is the caller's (IDN-03).
      consult: consult.address,
      // Not used by this module: any address will do, it is never called.
      reporting: address,
      modules: [identityModule],
      errorTables: [IDENTITY_ERRORS, CONSULT_ERRORS],
      verifier,
      logger: createLogger({ name: "gateway", level: LOG_LEVEL }),
      graphiql: false,
    });
    await app.ready();
    signer = new SignatureServiceClient(address, channelCredentials());
  } catch (error) {
    await close();
    throw error;
  }
  const gateway = app;
  const signatures = signer;
  const consults = consult;

  const token: IdentityStack["token"] = (roles, tenantId, subject, kind) =>
    issuer.issue({ subject, roles, tenantId, ...(kind === undefined ? {} : { kind }) });
  const post: IdentityStack["post"] = async (query, variables, bearer) => {
    const response = await gateway.inject({
      method: "POST",
      url: "/graphql",
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
      payload: variables === undefined ? { query } : { query, variables },
    });
    return { status: response.statusCode, body: response.json<GraphQLBody>() };
  };

  const system = await token(["system"], "platform", "svc-operator");
  const registered = await post(
    REGISTER_INSTITUTION,
    {
      input: {
        requestId: "gw-identity-institution-1",
        name: "天津市示范互联网医院",
        grade: "TERTIARY_A",
        licence: { number: "PDY00001X12010217A1001", validFrom: "2024-01-01", validUntil: "2099-12-31" },
        subjectCodes: ["03", "07"],
        jurisdiction: "tianjin",
        hostInstitutionName: "天津市示范医院",
        hostLicenceNumber: "PDY00001X12010217A0001",
      },
    },
    system,
  );
  const institutionId = (registered.body.data?.["registerInstitution"] as { id: string } | undefined)?.id;
  if (institutionId === undefined) {
    await close();
    throw new Error(`the institution was not registered: ${JSON.stringify(registered.body.errors)}`);
  }

  consults.consults.set(consultOfSigning, waitingConsult(consultOfSigning, institutionId));
  const prescriptionServiceToken = await issuer.issue({ subject: "svc:prescription", roles: ["system"], tenantId: "platform", kind: "service" });
  return {
    app: gateway,
    issuer,
    grpcPort: service.grpcPort,
    institutionId,
    consult: consults,
    token,
    admin: () => token(["institution_admin"], institutionId, "admin-1", "human"),
    post,
    signDocument: (bearer, requestId, document, boundConsultId = consultOfSigning) =>
      new Promise((resolve, reject) => {
        signatures.signDocument(
          { requestId, documentType: "PRESCRIPTION", documentId: requestId, canonicalDocument: document, boundKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_CONSULT, boundId: boundConsultId },
          // Submitted as the prescription service does (access.proto): its own token, the clinician's as the signer's.
          withSigner(withBearerToken(prescriptionServiceToken), bearer),
          callDeadline(10_000),
          (error, response) => (error === null ? resolve(response) : reject(error)),
        );
      }),
    close,
  };
}

/** The consult the stack's signings are bound to: step up for it before signing. */
export const consultOfSigning = "consult-0001";

function withSigner(metadata: ReturnType<typeof withBearerToken>, bearer: string): ReturnType<typeof withBearerToken> {
  metadata.set("x-ihp-signer-authorization", `Bearer ${bearer}`);
  return metadata;
}

/** The data of one field of a response that must have succeeded. */
export function dataOf<T>(response: { body: GraphQLBody }, field: string): T {
  if (response.body.errors !== undefined) throw new Error(`expected ${field} without errors: ${JSON.stringify(response.body.errors)}`);
  return response.body.data?.[field] as T;
}

/** The refusal of a response: its stable code and Chinese text. */
export function refusalOf(response: { body: GraphQLBody }): { code: unknown; messageZh: unknown } {
  const error = response.body.errors?.[0];
  if (error === undefined) throw new Error(`expected a refusal, got ${JSON.stringify(response.body.data)}`);
  return { code: error.extensions?.["code"], messageZh: error.extensions?.["messageZh"] };
}

let requests = 0;
/** A fresh client request id (8–128 of A-Z a-z 0-9 . _ : -). */
export function requestId(prefix = "gw-id"): string {
  return `${prefix}-${String(++requests).padStart(5, "0")}`;
}

/** Today in Beijing (UTC+8, no DST), as YYYY-MM-DD, the calendar the service judges dates by. */
export function beijingToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** An ISO date moved by whole years and days (UTC calendar arithmetic on a date without time). */
export function shiftDate(isoDate: string, years: number, days = 0): string {
  const [year, month, day] = isoDate.split("-").map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year + years, month - 1, day));
  shifted.setUTCDate(shifted.getUTCDate() + days);
  return shifted.toISOString().slice(0, 10);
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** An 18-character resident ID number (GB 11643) for a birth date, with its ISO 7064 MOD 11-2 check character. */
export function residentId(birthDate: string, area = "120101", sequence = "123"): string {
  const first17 = `${area}${birthDate.replaceAll("-", "")}${sequence}`;
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * WEIGHTS[index]!, 0);
  return `${first17}${CHECK[sum % 11]}`;
}

/** The same number with another check character. */
export function withWrongCheck(number: string): string {
  return `${number.slice(0, 17)}${number.endsWith("1") ? "2" : "1"}`;
}
