import { DomainError, type EventStore, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, type BuiltinIssuer, CLINICAL_ROLES, denialError, describeError, isRole, type Principal, type Role } from "@ihp/platform";
import { refusal } from "../../domain/errors.js";
import {
  type Account,
  type AccountCommand,
  accountDecider,
  type AccountKind,
  CLINICAL_OBJECT_KINDS,
  type ClinicalObject,
  freshStepUp,
  loginNameDecider,
  requireConsultId,
  requireLoginName,
  requirePassword,
  type PasskeyAssertion,
  requireAcceptedFactor,
  type Session,
  type SessionPolicy,
  STEP_UP_METHODS,
  type StepUpMethod,
} from "../../domain/sessions/index.js";
import type { Caller } from "../caller.js";
import { institutionStreamId, requireInstitutionId, requireRequestId } from "../ids.js";
import type { IdentityVerifier } from "../patients/identityVerifier.js";
import { institutionResource, recordingRefusals } from "../refusals.js";
import { type AccountActor, type AccountRead, loadAccount, loginNameStreamId, readAccount, runAccountCommand, staffIdFor, subjectOfLogin, toLoginNameEvent } from "./accountStreams.js";
import { LoginThrottle } from "./loginThrottle.js";
import type { Passkeys } from "./passkeys.js";
import { acceptedFactors, stepUpHolder } from "./stepUpHolder.js";
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from "./passwords.js";
import { type PractitionerAccess, roleOf } from "./practitionerAccessPort.js";

export interface AccountsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Keyed blind index: login names are looked up by it and never stored in clear. */
  readonly blindIndex: (value: string) => string;
  /** The builtin issuer (AUTH_MODE=builtin); undefined with an external identity provider: Login is unavailable. */
  readonly issuer: BuiltinIssuer | undefined;
  readonly policy: SessionPolicy;
  readonly tokenTtlMinutes: number;
  readonly practitioners: PractitionerAccess;
  readonly faceMatch: IdentityVerifier;
  readonly passkeys: Pick<Passkeys, "verifyStepUp">;
}

export interface NewAccount {
  readonly subjectId: string;
  readonly kind: AccountKind;
  readonly roles: readonly Role[];
  readonly tenantId: string;
  readonly loginName: string;
  readonly password: string;
  readonly requestId: string;
}

export interface LoginResult {
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly sessionId: string;
  readonly subjectId: string;
  readonly supersededSessionId: string;
}

export interface StepUpResult {
  readonly stepUpId: string;
  readonly sessionId: string;
  readonly expiresAt: string;
}

/** What a clinical check established: the session and step-up it rests on (recorded on the clinical event). */
export interface ClinicalSession {
  readonly sessionId: string;
  readonly stepUpId: string;
}

export interface Accounts {
  /** Claims the login name and opens the account (patient registration, practitioner's first password). */
  open(caller: Caller, account: NewAccount): Promise<void>;
  setPractitionerPassword(caller: Caller, input: { requestId: string; practitionerId: string; loginName: string; password: string }): Promise<void>;
  /** An administrator or pharmacy-governance login (system: any institution; institution_admin: their own). */
  openStaffAccount(caller: Caller, input: { requestId: string; institutionId: string; role: string; loginName: string; password: string }): Promise<{ subjectId: string }>;
  setStaffPassword(caller: Caller, input: { requestId: string; subjectId: string; password: string }): Promise<void>;
  /** `source`: where the attempt comes from (the client's address as the gateway saw it), for the throttle. */
  login(input: { loginName: string; password: string; source?: string }, trace: Caller["trace"], correlationId: string): Promise<LoginResult>;
  stepUp(caller: Caller, input: { requestId: string; consultId: string; objectKind: string; objectId: string; method: string; secret: string }): Promise<StepUpResult>;
  /**
   * IDN-03, IDN-08: a human practitioner acting as themself, in their current session (which this keeps alive), with
   * a fresh step-up bound to exactly `object` (the consult received or signed in, the prescription reviewed).
   */
  requireClinicalSession(caller: Caller, practitionerId: string, object: ClinicalObject): Promise<ClinicalSession>;
  /**
   * IDN-08: a human practitioner acting as themself in their current, active session (which this keeps alive); no
   * step-up. For the clinical acts that need none (ClinicalAccessService.CheckSession).
   */
  requireCurrentSession(caller: Caller): Promise<{ readonly sessionId: string }>;
}

/** Roles a login may carry in its token; never system or regulator (those come from their own issuers). */
const LOGIN_ROLES: readonly Role[] = [...CLINICAL_ROLES, "patient", "institution_admin", "pharmacy_governance"];

/**
 * The object a step-up names: kind and id, or (the form before objects had kinds) a bare consult id. Whether it
 * exists is the owning service's knowledge, asked by the gateway first; here only the shape.
 */
export function requireClinicalObject(kind: string, id: string): ClinicalObject {
  const known = CLINICAL_OBJECT_KINDS.find((candidate) => candidate === kind);
  if (known === undefined) throw refusal("INVALID_STEP_UP_OBJECT");
  if (known === "CONSULT") return { kind: known, id: requireConsultId(id) };
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) throw refusal("INVALID_STEP_UP_OBJECT");
  return { kind: known, id };
}

/** Staff whose logins OpenStaffAccount opens (REQUIREMENTS roles without a practitioner record). */
const STAFF_ROLES = ["institution_admin", "pharmacy_governance"] as const;

/** The platform operator anywhere (bootstrapping an institution's first administrator); an administrator at home. */
function requireStaffAdministrator(principal: Principal, institutionId: string): void {
  if (authorize(principal, { roles: ["system"] }).allowed) return;
  const own = authorize(principal, { roles: ["institution_admin"], tenantId: institutionId });
  if (!own.allowed) throw denialError(own);
}

export function stepUpRequired(): DomainError {
  return new DomainError("STEP_UP_REQUIRED", "PERMISSION_DENIED", describeError("STEP_UP_REQUIRED").en, "IDN-03");
}

export function createAccounts(options: AccountsOptions): Accounts {
  const { store, audit, clock, policy } = options;
  const throttle = new LoginThrottle({ freeFailures: policy.maxFailures, maxDelayMs: policy.lockoutMinutes * 60_000 }, clock);

  function metadata(caller: Pick<Caller, "correlationId" | "trace">, actor: Principal | { subject: string; role: string }, tenantId: string, causationId: string) {
    const actorRole = "roles" in actor ? (actor.roles[0] ?? "anonymous") : actor.role;
    return { actorId: actor.subject, actorRole, tenantId, correlationId: caller.correlationId, causationId, ...caller.trace };
  }

  function run(caller: Pick<Caller, "correlationId" | "trace">, actor: AccountActor, account: { subjectId: string; tenantId: string }, command: AccountCommand, requestId: string | undefined, read?: AccountRead) {
    return runAccountCommand(options, caller, actor, account, command, requestId, read);
  }

  async function claimLoginName(caller: Caller | { correlationId: string; trace: Caller["trace"] }, actor: Principal | { subject: string; role: string }, loginIndex: string, subjectId: string, tenantId: string, requestId: string, now: Date): Promise<void> {
    await handleCommand(
      store,
      loginNameDecider,
      {
        streamId: loginNameStreamId(loginIndex),
        command: { type: "ClaimLoginName", subjectId },
        metadata: metadata(caller, actor, tenantId, requestId),
        now,
      },
      { newEventId: options.newId, toDomainEvent: toLoginNameEvent },
    );
  }

  /** Appends a failed attempt's events, then refuses with what they mean. */
  function failureOf(events: readonly StoredEvent[]): DomainError | undefined {
    if (events.some((event) => event.type === "AccountLocked")) return refusal("ACCOUNT_LOCKED");
    if (events.some((event) => event.type === "LoginFailed")) return refusal("INVALID_CREDENTIALS");
    return undefined;
  }

  async function openAccount(caller: Caller, actor: Principal | { subject: string; role: string }, input: NewAccount): Promise<void> {
    const loginName = requireLoginName(input.loginName);
    requirePassword(input.password);
    const now = clock();
    const loginIndex = options.blindIndex(`login:${loginName}`);
    await claimLoginName(caller, actor, loginIndex, input.subjectId, input.tenantId, input.requestId, now);
    const passwordHash = await hashPassword(input.password);
    await run(
      caller,
      actor,
      input,
      { type: "OpenAccount", subjectId: input.subjectId, kind: input.kind, roles: input.roles, tenantId: input.tenantId, loginIndex, password: input.password, passwordHash, at: now },
      input.requestId,
    );
  }

  const holder = { store, practitioners: options.practitioners, clock, loginAvailable: options.issuer !== undefined };

  /** Whether the secret proves the person: password, face match, or a verified passkey assertion (its refusal). */
  async function confirmStepUp(caller: Caller, account: Account, object: ClinicalObject, method: StepUpMethod, secret: string): Promise<{ confirmed: boolean; assertion?: PasskeyAssertion }> {
    if (method === "PASSWORD") return { confirmed: await verifyPassword(secret, account.passwordHash) };
    if (method === "FACE_MATCH") return { confirmed: secret !== "" && (await options.faceMatch.faceMatch({ subjectId: account.subjectId, evidence: secret })).passed };
    try {
      return { confirmed: true, assertion: await options.passkeys.verifyStepUp(account, caller.principal.sessionId, object, secret, clock()) };
    } catch (error) {
      throttle.stepUpFailed(account.subjectId);
      throw error;
    }
  }

  return {
    open(caller, input) {
      return openAccount(caller, { subject: input.subjectId, role: input.roles[0] ?? "patient" }, input);
    },

    setPractitionerPassword(caller, input) {
      return recordingRefusals(audit, caller, "SetPractitionerPassword", `practitioner/${input.practitionerId}`, async () => {
        const requestId = requireRequestId(input.requestId);
        const now = clock();
        const signer = await options.practitioners.signer(input.practitionerId, now);
        const wide = authorize(caller.principal, { roles: ["system"] });
        if (!wide.allowed) {
          const own = authorize(caller.principal, { roles: ["institution_admin"], tenantId: signer?.institutionId ?? caller.principal.tenantId });
          if (!own.allowed) throw denialError(own);
        }
        if (signer === undefined) throw refusal("ACCOUNT_HOLDER_NOT_FOUND");
        const existing = await loadAccount(store, input.practitionerId);
        if (existing.status === "none") {
          // IDN-08: a login only for someone who may practise now (not PENDING, SUSPENDED, REVOKED, EXITED). A reset
          // of an existing account stays possible, so an admin can always replace a leaked password.
          await options.practitioners.requireAccountHolder(input.practitionerId, now);
          await openAccount(caller, caller.principal, {
            subjectId: input.practitionerId,
            kind: "PRACTITIONER",
            roles: [roleOf(signer.profession)],
            tenantId: signer.institutionId,
            loginName: input.loginName,
            password: input.password,
            requestId,
          });
          return;
        }
        requirePassword(input.password);
        const passwordHash = await hashPassword(input.password);
        await run(caller, caller.principal, existing.account, { type: "SetPassword", password: input.password, passwordHash, at: now }, requestId);
        throttle.reset(existing.account.loginIndex, existing.account.subjectId);
      });
    },

    openStaffAccount(caller, input) {
      return recordingRefusals(audit, caller, "OpenStaffAccount", institutionResource(input.institutionId), async () => {
        const institutionId = requireInstitutionId(input.institutionId);
        requireStaffAdministrator(caller.principal, institutionId);
        const requestId = requireRequestId(input.requestId);
        const role = STAFF_ROLES.find((candidate) => candidate === input.role);
        if (role === undefined) throw refusal("INVALID_STAFF_ROLE");
        if ((await store.readStream(institutionStreamId(institutionId))).length === 0) throw refusal("INSTITUTION_NOT_FOUND");
        const subjectId = staffIdFor(requestId);
        // The same request again: the account it opened.
        if ((await loadAccount(store, subjectId)).status === "open") return { subjectId };
        await openAccount(caller, caller.principal, { subjectId, kind: "STAFF", roles: [role], tenantId: institutionId, loginName: input.loginName, password: input.password, requestId });
        return { subjectId };
      });
    },

    setStaffPassword(caller, input) {
      return recordingRefusals(audit, caller, "SetStaffPassword", `account/${input.subjectId}`, async () => {
        const requestId = requireRequestId(input.requestId);
        const state = await loadAccount(store, input.subjectId);
        // Checked against the account's institution before anything about the account is told.
        requireStaffAdministrator(caller.principal, state.status === "open" ? state.account.tenantId : caller.principal.tenantId);
        if (state.status !== "open") throw refusal("ACCOUNT_HOLDER_NOT_FOUND");
        if (state.account.kind !== "STAFF") throw refusal("INVALID_STAFF_ROLE");
        requirePassword(input.password);
        const passwordHash = await hashPassword(input.password);
        await run(caller, caller.principal, state.account, { type: "SetPassword", password: input.password, passwordHash, at: clock() }, requestId);
        throttle.reset(state.account.loginIndex, state.account.subjectId);
      });
    },

    async login(input, trace, correlationId) {
      if (options.issuer === undefined) throw refusal("LOGIN_NOT_AVAILABLE");
      const loginName = requireLoginName(input.loginName);
      const loginIndex = options.blindIndex(`login:${loginName}`);
      const source = input.source ?? "";
      // Checked before anything is read or compared; unknown names count too, so probing names is throttled alike.
      throttle.admitLogin(loginIndex, source);
      const subjectId = await subjectOfLogin(store, loginIndex);
      // The account's own and logins streams as read here decide the login (runAccountCommand does not read them again).
      const read = subjectId === undefined ? undefined : await readAccount(store, subjectId);
      const account = read?.state.status === "open" ? read.state.account : undefined;
      const matches = await verifyPassword(input.password, account?.passwordHash ?? UNMATCHABLE_HASH);
      if (!matches || account === undefined) throttle.loginFailed(loginIndex, source);
      if (account === undefined) throw refusal("INVALID_CREDENTIALS");
      const now = clock();
      const sessionId = options.newId();
      const caller = { correlationId, trace };
      // IDN-08: only a practitioner whose status allows clinical work may use their login. Asked once the password
      // matched, so the answer tells nobody else anything; the refusal is audited under the account's subject.
      if (matches && account.kind === "PRACTITIONER") {
        const holder = { subject: account.subjectId, roles: account.roles.filter(isRole), tenantId: account.tenantId, kind: "human" as const };
        await recordingRefusals(audit, { principal: holder, ...caller }, "Login", `practitioner/${account.subjectId}`, () =>
          options.practitioners.requireAccountHolder(account.subjectId, now),
        );
      }
      const actor = { subject: account.subjectId, role: account.roles[0] ?? "anonymous" };
      const result = await run(caller, actor, account, { type: "Login", sessionId, passwordMatches: matches, policy, at: now }, undefined, read);
      const failure = failureOf(result.events);
      if (failure !== undefined) throw failure;
      throttle.loginSucceeded(loginIndex, source);
      const loggedIn = result.events.find((event) => event.type === "LoggedIn");
      const ttlSeconds = options.tokenTtlMinutes * 60;
      const accessToken = await options.issuer.issue({
        subject: account.subjectId,
        roles: account.roles.filter((role): role is Role => LOGIN_ROLES.includes(role as Role)),
        tenantId: account.tenantId,
        kind: "human",
        sessionId,
        authTime: Math.floor(now.getTime() / 1000),
        amr: ["pwd"],
        ttlSeconds,
      });
      return {
        accessToken,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
        sessionId,
        subjectId: account.subjectId,
        supersededSessionId: String((loggedIn?.data as { supersededSessionId?: string } | undefined)?.supersededSessionId ?? ""),
      };
    },

    stepUp(caller, input) {
      return recordingRefusals(audit, caller, "StepUp", `account/${caller.principal.subject}`, async () => {
        if (options.issuer === undefined) throw refusal("LOGIN_NOT_AVAILABLE");
        if (caller.principal.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
        const grant = authorize(caller.principal, { roles: CLINICAL_ROLES });
        if (!grant.allowed) throw denialError(grant);
        const requestId = requireRequestId(input.requestId);
        const object =
          input.objectKind === "" ? { kind: "CONSULT" as const, id: requireConsultId(input.consultId) } : requireClinicalObject(input.objectKind, input.objectId);
        const method = STEP_UP_METHODS.find((candidate) => candidate === input.method);
        if (method === undefined) throw refusal("INVALID_VERIFICATION_METHOD");
        // With this object's challenges and step-ups in the session, and each passkey's counter as last recorded.
        const { account, read } = await stepUpHolder(holder, caller, { object, counters: method === "WEBAUTHN" });
        // IDN-03: the jurisdiction says which factors count, before any secret is compared.
        requireAcceptedFactor(method, await acceptedFactors(store, account.tenantId, clock()));
        throttle.admitStepUp(caller.principal.subject);
        const confirmation = await confirmStepUp(caller, account, object, method, input.secret);
        if (confirmation.confirmed) throttle.stepUpSucceeded(caller.principal.subject);
        else throttle.stepUpFailed(caller.principal.subject);
        const now = clock();
        const stepUpId = options.newId();
        const command = { type: "StepUp" as const, sessionId: caller.principal.sessionId, stepUpId, object, method, policy, at: now, ...confirmation };
        // Both commands are recorded on the session's streams: the account's streams, as read above, decide them.
        const result = await run(caller, caller.principal, account, command, requestId, read);
        const failure = failureOf(result.events);
        if (failure !== undefined) throw failure;
        const stepped = result.events.find((event) => event.type === "SteppedUp");
        if (stepped === undefined) throw new Error("a step-up appended no SteppedUp event");
        const data = stepped.data as { stepUpId: string; sessionId: string; expiresAt: string };
        // A step-up is activity of the session (its own stream keeps it from idling out).
        await run(caller, caller.principal, account, { type: "TouchSession", sessionId: caller.principal.sessionId, policy, at: now }, undefined, read);
        // XC-07: a completed step-up is a security event of the day; its audit record carries ids only.
        await audit.recorded({ principal: caller.principal, action: "StepUp", resource: `step-up/${data.stepUpId}`, ruleId: "IDN-03", correlationId: caller.correlationId, trace: caller.trace });
        return { stepUpId: data.stepUpId, sessionId: data.sessionId, expiresAt: data.expiresAt };
      });
    },

    async requireClinicalSession(caller, practitionerId, object) {
      const { principal } = caller;
      if (principal.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
      if (principal.subject !== practitionerId) throw refusal("NOT_THE_PRACTITIONER");
      const grant = authorize(principal, { roles: CLINICAL_ROLES });
      if (!grant.allowed) throw denialError(grant);
      const bound = requireClinicalObject(object.kind, object.id);
      const { account, session, now } = await currentSession(caller, { object: bound });
      const stepUp = freshStepUp(account, session, bound, now);
      if (stepUp === undefined) throw stepUpRequired();
      return { sessionId: session.sessionId, stepUpId: stepUp.stepUpId };
    },

    async requireCurrentSession(caller) {
      const { principal } = caller;
      if (principal.kind !== "human") throw refusal("HUMAN_CLINICIAN_REQUIRED");
      const grant = authorize(principal, { roles: CLINICAL_ROLES });
      if (!grant.allowed) throw denialError(grant);
      const { session } = await currentSession(caller, {});
      return { sessionId: session.sessionId };
    },
  };

  /**
   * IDN-08, the one session rule of clinical acts: the caller's token names the account's current session, active
   * within the idle time (SESSION_REQUIRED, SESSION_SUPERSEDED, SESSION_IDLE_EXPIRED otherwise); asking keeps it alive.
   */
  async function currentSession(caller: Caller, scope: { object?: ClinicalObject }): Promise<{ account: Account; session: Session; now: Date }> {
    const { principal } = caller;
    const read = await readAccount(store, principal.subject, scope);
    const { state } = read;
    if (state.status !== "open") throw refusal("SESSION_REQUIRED");
    const now = clock();
    const touch = { type: "TouchSession" as const, sessionId: principal.sessionId, policy, at: now };
    // Decided first on the session as just read: a refusal is the one the run would give, and activity recorded less
    // than a minute ago means nothing to record — the run would read the session's stream again only to decide the
    // same (what can land there meanwhile is newer activity, which changes neither answer).
    const decided = accountDecider.decide(touch, state);
    if (decided instanceof DomainError) throw decided;
    if (decided.length > 0) await run(caller, principal, state.account, touch, undefined, read);
    const { account } = state;
    if (account.session === undefined) throw refusal("SESSION_REQUIRED");
    return { account, session: account.session, now };
  }
}
