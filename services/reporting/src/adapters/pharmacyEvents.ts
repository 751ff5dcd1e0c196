import {
  DeliveryDispatched,
  DeliveryStatusChanged,
  PrescriptionDispensed,
  PrescriptionReviewed,
  reviewOutcomeToJSON,
} from "@ihp/contracts/pharmacy";
import { type FactDecoder, sourceMessageDecoder } from "./sourceEnvelope.js";

// The pharmacy events the feed reports (REP-04, PHA-08); anything else on ihp.pharmacy.v1.> is ignored.
const DECODERS: Readonly<Record<string, FactDecoder>> = {
  PrescriptionReviewed: (payload) => {
    const review = PrescriptionReviewed.decode(payload);
    return { ...review, type: "PrescriptionReviewed", outcome: reviewOutcomeToJSON(review.outcome) };
  },
  PrescriptionDispensed: (payload) => ({ ...PrescriptionDispensed.decode(payload), type: "PrescriptionDispensed" }),
  DeliveryDispatched: (payload) => ({ ...DeliveryDispatched.decode(payload), type: "DeliveryDispatched" }),
  DeliveryStatusChanged: (payload) => ({ ...DeliveryStatusChanged.decode(payload), type: "DeliveryStatusChanged" }),
};

/** Reads an ihp.pharmacy.v1 bus message (content type "application/x-protobuf; proto=ihp.pharmacy.v1.<Type>"). */
export const decodePharmacyMessage = sourceMessageDecoder("ihp.pharmacy.v1", DECODERS);
