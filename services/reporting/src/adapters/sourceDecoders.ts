import type { BusMessage } from "@ihp/messaging";
import type { SourceContextName } from "../application/feedConsumer.js";
import type { SourceMessage } from "../application/sourceMessage.js";
import { decodeConsultMessage } from "./consultEvents.js";
import { decodeIdentityMessage } from "./identityEvents.js";
import { decodePharmacyMessage } from "./pharmacyEvents.js";
import { decodePrescriptionMessage } from "./prescriptionEvents.js";
import { decodeRecordsMessage } from "./recordsEvents.js";

/** The reader of each source context's bus messages. */
export const SOURCE_DECODERS: Readonly<Record<SourceContextName, (message: BusMessage) => SourceMessage>> = {
  identity: decodeIdentityMessage,
  consult: decodeConsultMessage,
  prescription: decodePrescriptionMessage,
  pharmacy: decodePharmacyMessage,
  records: decodeRecordsMessage,
};
