import type { Decider, DomainEvent } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";

// IDN-08: one practitioner record per person and institution. The claim lives in its own stream, named by a keyed
// blind index of institution and ID number, so a second registration is found without the number in clear.

export type PractitionerPersonClaimed = DomainEvent<"PractitionerPersonClaimed", { readonly practitionerId: string }>;

export interface ClaimPractitionerPerson {
  readonly type: "ClaimPractitionerPerson";
  readonly practitionerId: string;
  /** The current holder's record is gone for good (revoked, exited) or was never written: the person may return. */
  readonly holderClosed: boolean;
}

export type PersonClaimState = { readonly practitionerId: string | undefined };

export const personClaimDecider: Decider<ClaimPractitionerPerson, PractitionerPersonClaimed, PersonClaimState> = {
  initialState: { practitionerId: undefined },
  evolve: (_state, event) => ({ practitionerId: event.data.practitionerId }),
  decide(command, state) {
    if (state.practitionerId === command.practitionerId) return [];
    if (state.practitionerId !== undefined && !command.holderClosed) return refusal("PRACTITIONER_DUPLICATE");
    return [{ type: "PractitionerPersonClaimed", data: { practitionerId: command.practitionerId } }];
  },
};
