import { readFileSync } from "node:fs";
import { ChannelCredentials, ServerCredentials } from "@grpc/grpc-js";

/** PEM files for a TLS listener (GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE, GRPC_TLS_CA_FILE). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA for client certificates: when set, clients must present one it signed (mutual TLS). */
  readonly caFile?: string | undefined;
}

/** TLS when files are given (the distributed mode, XC-05), plaintext otherwise (embedded loopback, tests). */
export function serverCredentials(tls?: TlsFiles): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  const ca = tls.caFile === undefined ? null : readFileSync(tls.caFile);
  return ServerCredentials.createSsl(
    ca,
    [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }],
    ca !== null,
  );
}

/** Client side: TLS trusting `caFile` (and presenting a client certificate for mutual TLS), plaintext otherwise. */
export function channelCredentials(tls?: {
  readonly caFile: string;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}): ChannelCredentials {
  if (tls === undefined) return ChannelCredentials.createInsecure();
  const clientKey = tls.keyFile === undefined ? null : readFileSync(tls.keyFile);
  const clientCert = tls.certFile === undefined ? null : readFileSync(tls.certFile);
  return ChannelCredentials.createSsl(readFileSync(tls.caFile), clientKey, clientCert);
}
