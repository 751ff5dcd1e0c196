// The agreed GraphQL contract of the supervision figures (gateway: supervisionDashboard and regulatorDeliveryStatus).
// Field names and types mirror the schema; the page asks for every field it shows and nothing else.

export interface FigureCount {
  readonly key: string;
  readonly count: number;
}

export interface Durations {
  readonly count: number;
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

export interface AnomalyCaseDue {
  readonly caseId: string;
  readonly institutionId: string;
  readonly openedAt: string;
  readonly dueOn: string;
  readonly overdue: boolean;
}

export interface SupervisionDashboard {
  readonly from: string;
  readonly to: string;
  readonly asOf: string | null;
  readonly consultsByType: readonly FigureCount[];
  readonly consultsByDepartment: readonly FigureCount[];
  readonly prescriptionsIssued: number;
  readonly prescriptionsApproved: number;
  readonly prescriptionsReturned: number;
  readonly prescriptionsRejected: number;
  readonly prescriptionReasons: readonly FigureCount[];
  readonly reviewTurnaround: Durations;
  readonly consultResponse: Durations;
  readonly terminations: number;
  readonly referrals: number;
  readonly terminationReasons: readonly FigureCount[];
  readonly adverseEventsBySeverity: readonly FigureCount[];
  readonly complaintsByStatus: readonly FigureCount[];
  readonly openAnomalyCases: readonly AnomalyCaseDue[];
}

export interface PendingUpload {
  readonly kind: string;
  readonly subjectId: string;
  readonly institutionId: string;
  readonly changedAt: string;
  readonly dueOn: string;
  readonly overdue: boolean;
}

export interface RegulatorDeliveryStatus {
  readonly asOf: string;
  readonly unacknowledged: number;
  readonly deadLettered: number;
  readonly oldestUnacknowledgedAt: string | null;
  readonly ackLagMedianSeconds: number | null;
  readonly pendingUploads: readonly PendingUpload[];
}

/** Exactly one of the two: an institution, or a jurisdiction (a regulator's own, or any for a national one). */
export type Scope = { readonly institutionId: string } | { readonly jurisdiction: string };

const COUNTS = "{ key count }";
const DURATIONS = "{ count medianMinutes p90Minutes }";

export const DASHBOARD_QUERY = `query SupervisionDashboard($institutionId: ID, $jurisdiction: String, $from: String!, $to: String!) {
  supervisionDashboard(institutionId: $institutionId, jurisdiction: $jurisdiction, from: $from, to: $to) {
    from to asOf
    consultsByType ${COUNTS}
    consultsByDepartment ${COUNTS}
    prescriptionsIssued prescriptionsApproved prescriptionsReturned prescriptionsRejected
    prescriptionReasons ${COUNTS}
    reviewTurnaround ${DURATIONS}
    consultResponse ${DURATIONS}
    terminations referrals
    terminationReasons ${COUNTS}
    adverseEventsBySeverity ${COUNTS}
    complaintsByStatus ${COUNTS}
    openAnomalyCases { caseId institutionId openedAt dueOn overdue }
  }
}`;

export const DELIVERY_QUERY = `query RegulatorDeliveryStatus($institutionId: ID, $jurisdiction: String) {
  regulatorDeliveryStatus(institutionId: $institutionId, jurisdiction: $jurisdiction) {
    asOf unacknowledged deadLettered oldestUnacknowledgedAt ackLagMedianSeconds
    pendingUploads { kind subjectId institutionId changedAt dueOn overdue }
  }
}`;

export const LOGIN_MUTATION = `mutation DashboardLogin($input: LoginInput!) {
  login(input: $input) { accessToken expiresAt }
}`;
