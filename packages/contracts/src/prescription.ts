// @ihp/contracts/prescription: the prescription service's gRPC contracts and integration events (proto/ihp/prescription/v1).
export {
  PrescriptionLine,
  PrescriptionSigned,
  PrescriptionVoided,
} from "./gen/ihp/prescription/v1/events.js";
