import type { ServiceError } from "@grpc/grpc-js";
import {
  AnomalyCaseServiceClient,
  type CloseAnomalyCaseResponse,
  type OpenAnomalyCaseRequest,
  type OpenAnomalyCaseResponse,
} from "@ihp/contracts/reporting";
import { channelCredentials, withBearerToken } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, refusal, startHarness } from "./support/harness.js";

function open(client: AnomalyCaseServiceClient, token: string, request: Partial<OpenAnomalyCaseRequest>): Promise<OpenAnomalyCaseResponse> {
  const full: OpenAnomalyCaseRequest = { caseId: "", institutionId: "", findingCode: "", findingReference: "", workingDays: 0, ...request };
  return new Promise((resolve, reject) => {
    client.openAnomalyCase(full, withBearerToken(token), (error: ServiceError | null, response: OpenAnomalyCaseResponse) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}

function close(client: AnomalyCaseServiceClient, token: string, caseId: string, rectificationNote: string): Promise<CloseAnomalyCaseResponse> {
  return new Promise((resolve, reject) => {
    client.closeAnomalyCase({ caseId, rectificationNote }, withBearerToken(token), (error: ServiceError | null, response: CloseAnomalyCaseResponse) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}

describe("AnomalyCaseService over gRPC (REP-05)", () => {
  let harness: Harness;
  let client: AnomalyCaseServiceClient;
  let now = new Date("2026-09-30T02:00:00.000Z");

  beforeAll(async () => {
    harness = await startHarness({ clock: () => now, env: { INCIDENT_CHECK_INTERVAL_MS: "0" } });
    client = new AnomalyCaseServiceClient(`127.0.0.1:${harness.service.grpcPort}`, channelCredentials());
  });
  afterAll(async () => {
    client.close();
    await harness.close();
  });

  it("REP-05: the regulator adapter opens a case due in 3 CN working days; the admin closes it with a note; another case alerts when overdue", async () => {
    const adapter = await harness.token("system", "inst-1");
    expect(await open(client, adapter, { caseId: "case-1", institutionId: "inst-1", findingCode: "RX_WITHOUT_REVIEW", workingDays: 3 })).toEqual({
      openedAt: "2026-09-30T02:00:00.000Z",
      dueDay: "2026-10-10",
    });
    await open(client, await harness.token("regulator", "national"), { caseId: "case-2", institutionId: "inst-1", findingCode: "LATE_UPLOAD", workingDays: 1 });
    const admin = await harness.token("institution_admin", "inst-1");
    expect(await refusal(close(client, admin, "case-1", ""))).toMatchObject({ code: "RECTIFICATION_NOTE_REQUIRED", status: 3 });
    expect(await refusal(close(client, await harness.token("institution_admin", "inst-2"), "case-1", "x"))).toMatchObject({ code: "ANOMALY_CASE_OTHER_INSTITUTION", status: 7 });
    expect(await close(client, admin, "case-1", "Review step enforced.")).toEqual({ closedAt: "2026-09-30T02:00:00.000Z" });
    now = new Date("2026-10-12T02:00:00.000Z");
    expect(await harness.service.checkIncidentDeadlines()).toBe(1);
    expect(harness.logs.withCode("ANOMALY_CASE_OVERDUE").map((line) => line["caseId"])).toEqual(["case-2"]);
  });
});
