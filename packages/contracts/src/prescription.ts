// @ihp/contracts/prescription: the prescription service's gRPC contracts and integration events (proto/ihp/prescription/v1).
export {
  PrescriptionLine,
  PrescriptionSigned,
  PrescriptionVoided,
} from "./gen/ihp/prescription/v1/events.js";
export {
  ConfirmLinesRequest,
  ConfirmLinesResponse,
  ConfirmLongTermPlanRequest,
  ConfirmLongTermPlanResponse,
  DraftPrescriptionRequest,
  DraftPrescriptionResponse,
  GetPrescribingStatisticsRequest,
  GetPrescribingStatisticsResponse,
  GetPrescriptionRequest,
  GetPrescriptionResponse,
  LineInput,
  ListMyPrescriptionsRequest,
  ListMyPrescriptionsResponse,
  PrescriberDrugTotal,
  Prescription,
  PrescriptionContent,
  PrescriptionLineView,
  PrescriptionServiceClient,
  PrescriptionServiceService,
  PrescriptionSummary,
  RevisePrescriptionRequest,
  RevisePrescriptionResponse,
  SignPrescriptionRequest,
  SignPrescriptionResponse,
} from "./gen/ihp/prescription/v1/prescription.js";
export type { PrescriptionServiceServer } from "./gen/ihp/prescription/v1/prescription.js";
