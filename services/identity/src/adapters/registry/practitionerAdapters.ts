import { join } from "node:path";
import { type IdNumberSealer, openIdNumberSealer } from "../../application/practitioners/idNumberSealer.js";
import type { FaceMatchPort, RegistryPort } from "../../application/practitioners/ports.js";
import type { IdentityConfig } from "../../config.js";
import { createOfflineFaceMatch } from "../faceMatch/offlineFaceMatch.js";
import { DEMO_REGISTRY_FILE, openFileRegistry } from "./fileRegistry.js";
import { createHttpRegistry } from "./httpRegistry.js";

/** What the practitioner handlers are built from, chosen by configuration (ARCHITECTURE §3). */
export interface PractitionerAdapters {
  readonly sealer: IdNumberSealer;
  readonly registry: RegistryPort;
  readonly faceMatch: FaceMatchPort;
  readonly faceMatchTenants: ReadonlySet<string>;
}

/** A face-match port for tenants that have none switched on: never reached, refuses if it were. */
const NO_FACE_MATCH: FaceMatchPort = { verify: () => Promise.resolve({ matched: false }) };

export async function openPractitionerAdapters(config: IdentityConfig): Promise<PractitionerAdapters> {
  const inMemory = config.DATA_DIR === ":memory:";
  const keyFile = config.PRACTITIONER_PII_KEY_FILE ?? (inMemory ? undefined : join(config.DATA_DIR, "practitioner-pii.key"));
  const faceMatchTenants = new Set(config.FACE_MATCH_TENANTS === "" ? [] : config.FACE_MATCH_TENANTS.split(","));
  if (faceMatchTenants.size > 0 && config.FACE_MATCH_HMAC_KEY === undefined) {
    throw new Error("FACE_MATCH_HMAC_KEY is required when FACE_MATCH_TENANTS is set");
  }
  return {
    sealer: await openIdNumberSealer(keyFile),
    registry: await registryFrom(config),
    faceMatch:
      config.FACE_MATCH_HMAC_KEY === undefined
        ? NO_FACE_MATCH
        : createOfflineFaceMatch({ key: Buffer.from(config.FACE_MATCH_HMAC_KEY, "hex") }),
    faceMatchTenants,
  };
}

async function registryFrom(config: IdentityConfig): Promise<RegistryPort> {
  if (config.PRACTITIONER_REGISTRY === "file") {
    return openFileRegistry(config.PRACTITIONER_REGISTRY_FILE ?? DEMO_REGISTRY_FILE);
  }
  const { PRACTITIONER_REGISTRY_URL: url, PRACTITIONER_REGISTRY_CLIENT_ID: clientId } = config;
  const clientSecret = config.PRACTITIONER_REGISTRY_CLIENT_SECRET;
  if (url === undefined || clientId === undefined || clientSecret === undefined) {
    throw new Error(
      "PRACTITIONER_REGISTRY=http needs PRACTITIONER_REGISTRY_URL, PRACTITIONER_REGISTRY_CLIENT_ID and PRACTITIONER_REGISTRY_CLIENT_SECRET",
    );
  }
  return createHttpRegistry({ url, clientId, clientSecret });
}

