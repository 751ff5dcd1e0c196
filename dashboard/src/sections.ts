// What the page shows, as plain data: each section has a chart (bars or a pie) and the same numbers as cells, each
// with a stable name (`data-figure`) that tests and assistive tools read. No DOM here.
import type { Durations, FigureCount, RegulatorDeliveryStatus, SupervisionDashboard } from "./contract.js";

export type FigureValue = number | string | null;

export interface Figure {
  readonly name: string;
  readonly label: string;
  readonly value: FigureValue;
}

export interface Chart {
  readonly kind: "bar" | "pie";
  readonly points: readonly { readonly label: string; readonly value: number }[];
}

export interface Table {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly { readonly id: string; readonly cells: readonly string[]; readonly overdue: boolean }[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly chart: Chart;
  readonly figures: readonly Figure[];
  readonly table?: Table;
}

const counts = (name: string, list: readonly FigureCount[]): Figure[] => list.map(({ key, count }) => ({ name: `${name}.${key}`, label: key, value: count }));
const points = (list: readonly FigureCount[]) => list.map(({ key, count }) => ({ label: key, value: count }));
const sum = (list: readonly FigureCount[]): number => list.reduce((total, { count }) => total + count, 0);

function durations(name: string, label: string, value: Durations): Figure[] {
  return [
    { name: `${name}.count`, label: `${label} 件数 count`, value: value.count },
    { name: `${name}.medianMinutes`, label: `${label} 中位数 median (min)`, value: value.medianMinutes },
    { name: `${name}.p90Minutes`, label: `${label} P90 (min)`, value: value.p90Minutes },
  ];
}

export function dashboardSections(d: SupervisionDashboard): Section[] {
  const overdueCases = d.openAnomalyCases.filter((c) => c.overdue).length;
  return [
    {
      id: "consult-types",
      title: "问诊量（按类型） Consults by type",
      chart: { kind: "pie", points: points(d.consultsByType) },
      figures: [{ name: "consultsByType.total", label: "合计 total", value: sum(d.consultsByType) }, ...counts("consultsByType", d.consultsByType)],
    },
    {
      id: "consult-departments",
      title: "问诊量（按科室） Consults by department",
      chart: { kind: "bar", points: points(d.consultsByDepartment) },
      figures: counts("consultsByDepartment", d.consultsByDepartment),
    },
    {
      id: "prescriptions",
      title: "处方 Prescriptions",
      chart: {
        kind: "bar",
        points: [
          { label: "开具 issued", value: d.prescriptionsIssued },
          { label: "通过 approved", value: d.prescriptionsApproved },
          { label: "退回 returned", value: d.prescriptionsReturned },
          { label: "拒绝 rejected", value: d.prescriptionsRejected },
        ],
      },
      figures: [
        { name: "prescriptionsIssued", label: "开具 issued", value: d.prescriptionsIssued },
        { name: "prescriptionsApproved", label: "审核通过 approved", value: d.prescriptionsApproved },
        { name: "prescriptionsReturned", label: "退回 returned", value: d.prescriptionsReturned },
        { name: "prescriptionsRejected", label: "拒绝 rejected", value: d.prescriptionsRejected },
      ],
    },
    {
      id: "prescription-reasons",
      title: "退回/拒绝原因 Return and rejection reasons",
      chart: { kind: "bar", points: points(d.prescriptionReasons) },
      figures: counts("prescriptionReasons", d.prescriptionReasons),
    },
    {
      id: "timeliness",
      title: "时效 Review turnaround and consult response",
      chart: {
        kind: "bar",
        points: [
          { label: "审方中位 review median", value: d.reviewTurnaround.medianMinutes ?? 0 },
          { label: "审方 P90 review", value: d.reviewTurnaround.p90Minutes ?? 0 },
          { label: "接诊中位 response median", value: d.consultResponse.medianMinutes ?? 0 },
          { label: "接诊 P90 response", value: d.consultResponse.p90Minutes ?? 0 },
        ],
      },
      figures: [...durations("reviewTurnaround", "审方 review", d.reviewTurnaround), ...durations("consultResponse", "接诊 response", d.consultResponse)],
    },
    {
      id: "terminations",
      title: "终止与转诊 Terminations and referrals",
      chart: { kind: "bar", points: [{ label: "终止 terminations", value: d.terminations }, { label: "转诊 referrals", value: d.referrals }, ...points(d.terminationReasons)] },
      figures: [
        { name: "terminations", label: "终止 terminations", value: d.terminations },
        { name: "referrals", label: "转诊 referrals", value: d.referrals },
        ...counts("terminationReasons", d.terminationReasons),
      ],
    },
    {
      id: "adverse-events",
      title: "不良事件（按严重程度） Adverse events by severity",
      chart: { kind: "bar", points: points(d.adverseEventsBySeverity) },
      figures: counts("adverseEventsBySeverity", d.adverseEventsBySeverity),
    },
    {
      id: "complaints",
      title: "投诉 Complaints by status",
      chart: { kind: "pie", points: points(d.complaintsByStatus) },
      figures: counts("complaintsByStatus", d.complaintsByStatus),
    },
    {
      id: "anomaly-cases",
      title: "异常处置工单 Open anomaly cases",
      chart: { kind: "bar", points: [{ label: "未逾期 on time", value: d.openAnomalyCases.length - overdueCases }, { label: "逾期 overdue", value: overdueCases }] },
      figures: [
        { name: "openAnomalyCases.open", label: "未结 open", value: d.openAnomalyCases.length },
        { name: "openAnomalyCases.overdue", label: "逾期 overdue", value: overdueCases },
      ],
      table: {
        name: "openAnomalyCases",
        columns: ["工单 case", "机构 institution", "开立 opened", "期限 due", "逾期 overdue"],
        rows: d.openAnomalyCases.map((c) => ({ id: c.caseId, cells: [c.caseId, c.institutionId, c.openedAt, c.dueOn, c.overdue ? "是 yes" : "否 no"], overdue: c.overdue })),
      },
    },
  ];
}

export function deliverySections(s: RegulatorDeliveryStatus): Section[] {
  const overdueUploads = s.pendingUploads.filter((u) => u.overdue).length;
  return [
    {
      id: "delivery",
      title: "监管上报 Regulator delivery",
      chart: { kind: "bar", points: [{ label: "未确认 unacknowledged", value: s.unacknowledged }, { label: "死信 dead-lettered", value: s.deadLettered }] },
      figures: [
        { name: "delivery.unacknowledged", label: "未确认 unacknowledged", value: s.unacknowledged },
        { name: "delivery.deadLettered", label: "死信 dead-lettered", value: s.deadLettered },
        { name: "delivery.ackLagMedianSeconds", label: "确认延迟中位数 ack lag median (s, 24 h)", value: s.ackLagMedianSeconds },
        { name: "delivery.oldestUnacknowledgedAt", label: "最早未确认 oldest unacknowledged", value: s.oldestUnacknowledgedAt },
        { name: "delivery.asOf", label: "截至 as of", value: s.asOf },
      ],
    },
    {
      id: "pending-uploads",
      title: "待确认报备（7 个工作日） Uploads pending (REP-02)",
      chart: { kind: "bar", points: [{ label: "未逾期 within 7 working days", value: s.pendingUploads.length - overdueUploads }, { label: "逾期 overdue", value: overdueUploads }] },
      figures: [
        { name: "pendingUploads.pending", label: "待确认 pending", value: s.pendingUploads.length },
        { name: "pendingUploads.overdue", label: "逾期 overdue", value: overdueUploads },
      ],
      table: {
        name: "pendingUploads",
        columns: ["类别 kind", "对象 subject", "机构 institution", "变更 changed", "期限 due", "逾期 overdue"],
        rows: s.pendingUploads.map((u) => ({ id: `${u.kind}:${u.subjectId}`, cells: [u.kind, u.subjectId, u.institutionId, u.changedAt, u.dueOn, u.overdue ? "是 yes" : "否 no"], overdue: u.overdue })),
      },
    },
  ];
}

/**
 * How a value reads on the page: integers as they are, other numbers to one decimal (two significant digits below 1,
 * so a review of seconds does not read as 0), a missing value as a dash. The raw value is in data-value.
 */
export function displayed(value: FigureValue): string {
  if (value === null) return "—";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1 ? value.toFixed(1) : value.toPrecision(2);
}
