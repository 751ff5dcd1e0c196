// REP-07 notification deadlines. The 2025 national cyber-incident reporting measures (国家网络安全事件报告管理办法):
// critical-information-infrastructure operators report within 1 hour, other operators within 4 hours; the health
// authority (卫生健康主管部门) is told of patient-data leaks "promptly" (National diagnosis measures art. 20), which
// the platform takes as the same clock as the cyber report. Kept here as data, passed into the decider, so that
// moving it into an effective-dated jurisdiction profile only changes who supplies the table.

export const INCIDENT_KINDS = ["DATA_LEAK", "MAJOR_CYBER"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export type Authority = "cyberspace" | "health";
export type OperatorClass = "critical_infrastructure" | "other";

export interface IncidentDeadlines {
  /** Hours from the report to each authority's deadline, per operator class. */
  readonly hours: { readonly [C in OperatorClass]: { readonly [A in Authority]: number } };
  /** Which authorities each kind is reported to, in task order. */
  readonly authorities: { readonly [K in IncidentKind]: readonly Authority[] };
}

export const DEFAULT_INCIDENT_DEADLINES: IncidentDeadlines = {
  hours: {
    critical_infrastructure: { cyberspace: 1, health: 1 },
    other: { cyberspace: 4, health: 4 },
  },
  // A patient-data leak is itself a cyber incident (attack, core server down, leak) and a health-data matter.
  authorities: { DATA_LEAK: ["cyberspace", "health"], MAJOR_CYBER: ["cyberspace", "health"] },
};

export function isIncidentKind(kind: string): kind is IncidentKind {
  return (INCIDENT_KINDS as readonly string[]).includes(kind);
}
