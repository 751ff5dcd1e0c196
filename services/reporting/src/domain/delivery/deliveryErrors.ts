import { DomainError } from "@ihp/eventsourcing";

// Codes RegulatorDeliveryService returns (ERRORS.md "Returned to callers"); the gateway shows these texts.

export const DELIVERY_ERRORS = {
  REGULATOR_CHANNEL_UNKNOWN: {
    status: 5,
    en: "No regulator delivery is configured for that jurisdiction.",
    zh: "该辖区未配置监管数据上报通道。",
  },
  DELIVERY_SCOPE_INVALID: {
    status: 3,
    en: "Give exactly one of institutionId or jurisdiction.",
    zh: "须且只能指定机构或辖区之一。",
  },
} as const;

export function regulatorChannelUnknown(): DomainError {
  return new DomainError("REGULATOR_CHANNEL_UNKNOWN", "NOT_FOUND", DELIVERY_ERRORS.REGULATOR_CHANNEL_UNKNOWN.en, "REP-04");
}

export function jurisdictionNotAllowed(): DomainError {
  return new DomainError("JURISDICTION_NOT_ALLOWED", "PERMISSION_DENIED", "You may only read the feed of your own jurisdiction.", "REP-04");
}

export function deliveryScopeInvalid(): DomainError {
  return new DomainError("DELIVERY_SCOPE_INVALID", "INVALID_ARGUMENT", DELIVERY_ERRORS.DELIVERY_SCOPE_INVALID.en, "REP-04");
}

export function invalidJurisdiction(): DomainError {
  return new DomainError("INVALID_JURISDICTION", "INVALID_ARGUMENT", "The jurisdiction is not one the platform knows.", "REP-04");
}
