import { DomainError } from "@ihp/eventsourcing";

// Codes RegulatorDeliveryService returns (ERRORS.md "Returned to callers"); the gateway shows these texts.

export const DELIVERY_ERRORS = {
  REGULATOR_CHANNEL_UNKNOWN: {
    status: 5,
    en: "No regulator delivery is configured for that jurisdiction.",
    zh: "该辖区未配置监管数据上报通道。",
  },
} as const;

export function regulatorChannelUnknown(): DomainError {
  return new DomainError("REGULATOR_CHANNEL_UNKNOWN", "NOT_FOUND", DELIVERY_ERRORS.REGULATOR_CHANNEL_UNKNOWN.en, "REP-04");
}

export function jurisdictionNotAllowed(): DomainError {
  return new DomainError("JURISDICTION_NOT_ALLOWED", "PERMISSION_DENIED", "You may only read the feed of your own jurisdiction.", "REP-04");
}
