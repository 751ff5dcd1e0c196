import { Metadata } from "@grpc/grpc-js";
import { ErrorDetail } from "@ihp/contracts";

/** Binary trailer carrying the stable code of a failed call (ARCHITECTURE §7). */
export const ERROR_DETAIL_TRAILER = "ihp-error-bin";

export function errorDetailMetadata(detail: ErrorDetail): Metadata {
  const metadata = new Metadata();
  metadata.set(ERROR_DETAIL_TRAILER, Buffer.from(ErrorDetail.encode(detail).finish()));
  return metadata;
}

/** The detail a platform server attached, or undefined when there is none or it does not decode. */
export function readErrorDetail(metadata: Metadata): ErrorDetail | undefined {
  const [value] = metadata.get(ERROR_DETAIL_TRAILER);
  if (!(value instanceof Buffer)) return undefined;
  try {
    const detail = ErrorDetail.decode(value);
    return detail.code === "" ? undefined : detail;
  } catch {
    return undefined;
  }
}
