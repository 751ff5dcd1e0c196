import { DomainError, type EventStore } from "@ihp/eventsourcing";
import { beijingDay } from "@ihp/jurisdiction";
import { authorize, type Principal } from "@ihp/platform";
import type { Kysely } from "kysely";
import type { StatisticsReadModels } from "../adapters/statisticsProjection.js";
import { dayRange } from "../domain/statistics/figures.js";
import { decideStatisticsScope, needsInstitutionJurisdiction, type ScopeRequest } from "../domain/statistics/statisticsAccess.js";
import { supervisionRunner } from "./adverseEventsRunner.js";
import { institutionJurisdiction } from "./institutionJurisdiction.js";
import { supervisionFigures, type SupervisionFigures } from "./statisticsQueries.js";

export interface DashboardRequest extends ScopeRequest {
  readonly from: string;
  readonly to: string;
}

export interface StatisticsDeps {
  readonly store: EventStore;
  readonly readModels: Kysely<StatisticsReadModels>;
  readonly clock: () => Date;
}

const ACTION = "GetSupervisionDashboard";

/**
 * REP-04 supervision statistics. The role first (REGULATOR or INSTITUTION_ADMIN), then the request, then the scope
 * against the caller's tenant (statisticsAccess.ts); every refusal is recorded (AccessRefused in this service's log)
 * and thrown, and writes nothing else.
 */
export function statisticsHandlers(deps: StatisticsDeps) {
  const { store, readModels, clock } = deps;
  const runner = supervisionRunner(store, clock);
  return {
    async dashboard(principal: Principal, request: DashboardRequest): Promise<SupervisionFigures> {
      const resource = `statistics/${request.institutionId !== "" ? request.institutionId : request.jurisdiction !== "" ? request.jurisdiction : "*"}`;
      await runner.allow(principal, ACTION, resource, "REP-04", authorize(principal, { roles: ["regulator", "institution_admin"] }));
      const range = dayRange(request.from, request.to);
      if (range instanceof DomainError) return runner.refuse(principal, ACTION, resource, "REP-04", range);
      const registered = needsInstitutionJurisdiction(principal, request) ? await institutionJurisdiction(store, request.institutionId) : undefined;
      const scope = decideStatisticsScope(principal, request, registered);
      if (scope instanceof DomainError) return runner.refuse(principal, ACTION, resource, "REP-04", scope);
      return supervisionFigures(readModels, scope, range, beijingDay(clock()));
    },
  };
}
