/** Configured review hours (PHA-06), Beijing time. */
export interface BusinessHours {
  /** ISO weekdays the pharmacy reviews: 1 = Monday … 7 = Sunday. */
  readonly weekdays: readonly number[];
  /** Minutes after Beijing midnight: [opensAt, closesAt). */
  readonly opensAt: number;
  readonly closesAt: number;
}

export type Shift = {
  readonly shiftId: string;
  readonly pharmacistId: string;
  /** RFC 3339; the shift covers [startsAt, endsAt). */
  readonly startsAt: string;
  readonly endsAt: string;
};
