// Stable codes the reporting service returns to gRPC callers, with their status and the texts the gateway shows
// (createErrorCatalog(REPORTING_ERRORS)). ERRORS.md documents the same table, and the codes the feed consumer logs;
// a test keeps the two equal.

interface ReportingErrorEntry {
  readonly status: number;
  readonly en: string;
  readonly zh: string;
}

export const REPORTING_ERRORS = {
  INVALID_FEED_POSITION: {
    status: 3,
    en: "The feed position must be a whole number.",
    zh: "推送位置必须为整数。",
  },
  INVALID_JURISDICTION: {
    status: 3,
    en: "The jurisdiction is not one the platform knows.",
    zh: "辖区代码无效。",
  },
  REGULATOR_JURISDICTION_UNKNOWN: {
    status: 7,
    en: "Your account is not assigned to a supervised jurisdiction.",
    zh: "您的账号未关联监管辖区。",
  },
  JURISDICTION_NOT_ALLOWED: {
    status: 7,
    en: "You may only read the feed of your own jurisdiction.",
    zh: "您只能查看本辖区的监管数据。",
  },
} as const satisfies Record<string, ReportingErrorEntry>;

export type ReportingErrorCode = keyof typeof REPORTING_ERRORS;
