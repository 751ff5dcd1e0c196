import { join } from "node:path";
import {
  ClinicalAccessServiceService,
  PatientServiceService,
  SessionServiceService,
  SignatureServiceService,
  SigningKeyServiceService,
} from "@ihp/contracts/identity";
import { type BuiltinIssuer, type GrpcServiceBinding, openBuiltinIssuer } from "@ihp/platform";
import type { HostDeps } from "@ihp/service-host";
import {
  type CertificateAuthority,
  HttpCertificateAuthority,
  LocalCertificateAuthority,
  LocalKeyVault,
} from "@ihp/signatures";
import { defaultIdentityVerifier, type IdentityVerifier } from "../../application/patients/identityVerifier.js";
import { createCareRelationships } from "../../application/care/careRelationships.js";
import { createPatientAccess } from "../../application/patients/patientAccess.js";
import { createPatientForRecord } from "../../application/patients/patientForRecord.js";
import { createPatients } from "../../application/patients/patientCommands.js";
import { openPatientKeyRing, type PatientKeyRing } from "../../application/patients/patientKeyRing.js";
import { createAccounts } from "../../application/sessions/accounts.js";
import { createPasskeys } from "../../application/sessions/passkeys.js";
import type { PractitionerAccess } from "../../application/sessions/practitionerAccessPort.js";
import { createSignatures } from "../../application/signing/signatures.js";
import type { IdentityConfig } from "../../config.js";
import { clinicalAccessServer } from "./clinicalAccessServer.js";
import { patientServer } from "./patientServer.js";
import { sessionServer } from "./sessionServer.js";
import { signatureServer, signingKeyServer } from "./signatureServer.js";

/** Keys and external systems of patients, sessions and signing, opened once before the host starts. */
export interface AccessAdapters {
  readonly keys: PatientKeyRing;
  readonly vault: LocalKeyVault;
  readonly ca: CertificateAuthority;
  readonly issuer: BuiltinIssuer | undefined;
  readonly identityVerifier: IdentityVerifier | undefined;
}

export async function openAccessAdapters(
  config: IdentityConfig,
  overrides: Partial<Pick<AccessAdapters, "issuer" | "identityVerifier">> = {},
): Promise<AccessAdapters> {
  const memory = config.DATA_DIR === ":memory:";
  const keyDir = join(config.DATA_DIR, "identity-keys");
  const keys = await openPatientKeyRing(config.DATA_DIR);
  const vault = await LocalKeyVault.open(memory ? {} : { masterKeyFile: join(keyDir, "signing-master.key") });
  const ca = await openCertificateAuthority(config, memory ? undefined : join(keyDir, "local-ca.json"));
  const issuer = overrides.issuer ?? (config.AUTH_MODE === "builtin" ? await openBuiltinIssuer(config.DATA_DIR) : undefined);
  return { keys, vault, ca, issuer, identityVerifier: overrides.identityVerifier };
}

async function openCertificateAuthority(config: IdentityConfig, keyFile: string | undefined): Promise<CertificateAuthority> {
  const { SIGNING_CA_URL: baseUrl, SIGNING_CA_CLIENT_ID: clientId, SIGNING_CA_CLIENT_SECRET: clientSecret } = config;
  if (baseUrl === undefined) {
    return LocalCertificateAuthority.open({ name: "IHP Local CA", algorithm: config.SIGNING_ALGORITHM, ...(keyFile === undefined ? {} : { keyFile }) });
  }
  const { SIGNING_CA_NAME: name, SIGNING_CA_ALGORITHM: algorithm, SIGNING_CA_PUBLIC_KEY: publicKey } = config;
  if (clientId === undefined || clientSecret === undefined || name === undefined || algorithm === undefined || publicKey === undefined) {
    throw new Error("SIGNING_CA_URL needs SIGNING_CA_CLIENT_ID, SIGNING_CA_CLIENT_SECRET, SIGNING_CA_NAME, SIGNING_CA_ALGORITHM, SIGNING_CA_PUBLIC_KEY");
  }
  return new HttpCertificateAuthority({ baseUrl, clientId, clientSecret, anchor: { name, algorithm, publicKey: publicKey.toLowerCase() } });
}

/** PatientService, SessionService, ClinicalAccessService, SignatureService and SigningKeyService. */
export function accessBindings(
  config: IdentityConfig,
  adapters: AccessAdapters,
  practitioners: PractitionerAccess,
  deps: Pick<HostDeps<unknown>, "store" | "audit" | "handlers" | "clock" | "newId" | "verifier">,
): GrpcServiceBinding[] {
  const { store, audit, handlers, clock, newId, verifier: tokens } = deps;
  const verifier = adapters.identityVerifier ?? defaultIdentityVerifier(config.AUTH_MODE, newId);
  const policy = {
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES,
    idleMinutes: config.SESSION_IDLE_MINUTES,
    stepUpMinutes: config.STEP_UP_MINUTES,
    challengeSeconds: config.WEBAUTHN_CHALLENGE_SECONDS,
  };
  const passkeys = createPasskeys({
    store,
    audit,
    clock,
    newId,
    practitioners,
    policy,
    loginAvailable: adapters.issuer !== undefined,
    webauthn: { rpId: config.WEBAUTHN_RP_ID, rpName: config.WEBAUTHN_RP_NAME, origins: config.WEBAUTHN_ORIGINS.split(",") },
  });
  const accounts = createAccounts({
    store,
    audit,
    clock,
    newId,
    blindIndex: adapters.keys.blindIndex,
    issuer: adapters.issuer,
    policy,
    tokenTtlMinutes: config.LOGIN_TOKEN_TTL_MINUTES,
    practitioners,
    faceMatch: verifier,
    passkeys,
  });
  const care = createCareRelationships({ store, newId, hoursAfterEnd: config.CARE_READ_HOURS_AFTER_END });
  const patients = createPatients({ store, audit, clock, newId, keys: adapters.keys, verifier, accounts, care });
  const signatures = createSignatures({
    store,
    audit,
    clock,
    newId,
    ca: adapters.ca,
    vault: adapters.vault,
    accounts,
    practitioners,
    defaultAlgorithm: config.SIGNING_ALGORITHM,
    certificateDays: config.SIGNING_CERT_DAYS,
  });
  const patientAccess = createPatientAccess({ patients, audit, clock });
  return [
    { definition: PatientServiceService, implementation: patientServer({ handlers, patients, newId }) },
    { definition: SessionServiceService, implementation: sessionServer({ handlers, accounts, passkeys, newId }) },
    {
      definition: ClinicalAccessServiceService,
      implementation: clinicalAccessServer({
        handlers,
        accounts,
        patients: patientAccess,
        patientForRecord: createPatientForRecord({ patients, keys: adapters.keys, audit }),
        practitioners,
        audit,
        clock,
        newId,
        verifier: tokens,
      }),
    },
    { definition: SignatureServiceService, implementation: signatureServer({ handlers, signatures, newId, verifier: tokens }) },
    { definition: SigningKeyServiceService, implementation: signingKeyServer({ handlers, signatures, newId }) },
  ];
}
