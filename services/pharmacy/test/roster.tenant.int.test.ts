import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import { InProcessBus } from "@ihp/messaging";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { ACCESS_REFUSED, BuiltinIssuer, createLogger, loadConfig, RemoteError, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogueLookup, pharmacyConfigSchema, startPharmacyService } from "../src/index.js";
import { PharmacyClient, refusalOf } from "./support/client.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

// Found probing the running platform: an institution admin could put on the review roster a pharmacist of another
// institution (or an id that names nobody), and the patients' review coverage then showed that person on duty.

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER_INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
const OWN_PHARMACIST = "pharmacist-0001";
const FOREIGN_PHARMACIST = "pharmacist-0009";

/** Identity as pharmacy sees it, knowing which institution each reviewer practises at (NOT_PRACTISING_HERE otherwise). */
class RosterIdentity extends InMemoryIdentity {
  readonly asked: { pharmacistId: string; institutionId: string; token: string | undefined }[] = [];

  constructor(
    verifier: TokenVerifier,
    private readonly practisingAt: ReadonlyMap<string, string>,
  ) {
    super(verifier, new Map([...practisingAt.keys()].map((id) => [id, { affiliation: "IN_HOUSE", dispensingYears: 5 }] as const)));
  }

  override checkReviewer(input: { pharmacistId: string; institutionId: string }, call: { token: string | undefined }) {
    this.asked.push({ ...input, token: call.token });
    const institution = this.practisingAt.get(input.pharmacistId);
    if (institution === undefined) return Promise.reject(new RemoteError("CLINICIAN_NOT_REGISTERED", "PERMISSION_DENIED", "not registered", "IDN-01", 7));
    if (institution !== input.institutionId) return Promise.reject(new RemoteError("NOT_PRACTISING_HERE", "PERMISSION_DENIED", "not practising here", "IDN-05", 7));
    return super.checkReviewer(input, call);
  }
}

let dataDir: string;
let issuer: BuiltinIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pharmacy-roster-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("the review roster holds only the institution's own reviewers", () => {
  it("PHA-06, PHA-02: a shift for another institution's pharmacist or an unknown id is refused, writes only its audit record, and shows nobody on duty", async () => {
    const now = new Date("2026-03-06T05:00:00Z"); // 13:00 Beijing, business hours
    const identity = new RosterIdentity(verifier, new Map([[OWN_PHARMACIST, INSTITUTION], [FOREIGN_PHARMACIST, OTHER_INSTITUTION]]));
    const config = loadConfig(pharmacyConfigSchema, { SERVICE_NAME: "pharmacy", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500", COVERAGE_CHECK_SECONDS: "0" });
    const service = await startPharmacyService({
      config,
      bus: new InProcessBus(),
      verifier,
      logger: createLogger({ name: "pharmacy", level: "silent" }),
      clock: () => now,
      identity,
      catalogue: catalogueLookup(await sampleCatalogue()),
    });
    const client = new PharmacyClient(service.grpcPort);
    const admin = await issuer.issue({ subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION });
    const shift = { startsAt: "2026-03-06T04:00:00Z", endsAt: "2026-03-06T10:00:00Z", institutionId: INSTITUTION };
    try {
      const foreign = await refusalOf(client.call("scheduleShift", { ...shift, requestId: "shift-foreign-01", pharmacistId: FOREIGN_PHARMACIST }, admin));
      expect(foreign.code).toBe("NOT_PRACTISING_HERE");
      const unknown = await refusalOf(client.call("scheduleShift", { ...shift, requestId: "shift-unknown-01", pharmacistId: "nobody-at-all" }, admin));
      expect(unknown.code).toBe("CLINICIAN_NOT_REGISTERED");
      // Asked on pharmacy's own behalf (the admin is no reviewer), for the institution of the roster.
      expect(identity.asked).toEqual([
        { pharmacistId: FOREIGN_PHARMACIST, institutionId: INSTITUTION, token: undefined },
        { pharmacistId: "nobody-at-all", institutionId: INSTITUTION, token: undefined },
      ]);
      expect(await client.call("getReviewCoverage", { institutionId: INSTITUTION }, admin)).toMatchObject({ gap: true, pharmacistsOnDuty: [] });

      const own = await client.call("scheduleShift", { ...shift, requestId: "shift-own-0001", pharmacistId: OWN_PHARMACIST }, admin);
      expect(own.shift?.pharmacistId).toBe(OWN_PHARMACIST);
      expect(await client.call("getReviewCoverage", { institutionId: INSTITUTION }, admin)).toMatchObject({ gap: false, pharmacistsOnDuty: [OWN_PHARMACIST] });
    } finally {
      client.close();
      await service.stop("test done");
    }

    const store = SqliteEventStore.open({ path: join(dataDir, "pharmacy-events.sqlite") });
    try {
      const events = await store.readAll({ limit: 1_000 });
      expect(events.filter((event) => event.type === "ShiftScheduled").map((event) => (event.data as { pharmacistId: string }).pharmacistId)).toEqual([OWN_PHARMACIST]);
      const refused = events.filter((event) => event.type === ACCESS_REFUSED).map((event) => event.data as { action: string; reason: string });
      expect(refused).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: "ScheduleShift", reason: "NOT_PRACTISING_HERE" }),
          expect.objectContaining({ action: "ScheduleShift", reason: "CLINICIAN_NOT_REGISTERED" }),
        ]),
      );
    } finally {
      await store.close();
    }
  });
});
