import type { DomainErrorKind } from "@ihp/eventsourcing";

export interface IdentityErrorEntry {
  readonly kind: DomainErrorKind;
  /** REQUIREMENTS.md rule the code enforces; undefined for plain input hygiene. */
  readonly ruleId: string | undefined;
  /** Plain language, no personal data: the DomainError message and the gateway's English text. */
  readonly en: string;
  readonly zh: string;
}
