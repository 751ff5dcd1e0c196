import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { RegistryAnswer, RegistryPort, RegistryQuery } from "../../application/practitioners/ports.js";

/**
 * The embedded mode's registry: a JSON file of registered practitioners, standing in for the national
 * e-registration system when no connection to it exists. ID numbers are stored as SHA-256 hex, never in clear.
 */
const entrySchema = z.object({
  profession: z.enum(["PHYSICIAN", "NURSE", "PHARMACIST"]),
  licenceNumber: z.string().min(1),
  name: z.string().min(1),
  idNumberSha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(["REGISTERED", "SUSPENDED"]),
  eLicenceReference: z.string(),
});

export const registryFileSchema = z.object({ practitioners: z.array(entrySchema) });
export type RegistryFile = z.infer<typeof registryFileSchema>;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Answers from the entries given; the same rules as the national registry's answer codes. */
export function createFileRegistry(file: RegistryFile, source: string): RegistryPort {
  const byLicence = new Map(file.practitioners.map((entry) => [`${entry.profession}:${entry.licenceNumber}`, entry]));
  return {
    source,
    lookup(query: RegistryQuery): Promise<RegistryAnswer> {
      const entry = byLicence.get(`${query.profession}:${query.licenceNumber}`);
      if (entry === undefined) return Promise.resolve({ status: "NOT_FOUND" });
      if (entry.name !== query.name || entry.idNumberSha256 !== sha256Hex(query.idNumber)) {
        return Promise.resolve({ status: "MISMATCH" });
      }
      if (entry.status === "SUSPENDED") return Promise.resolve({ status: "SUSPENDED" });
      return Promise.resolve({ status: "REGISTERED", eLicenceReference: entry.eLicenceReference });
    },
  };
}

/** The shipped demo file (demo-registry.json next to this adapter's source). */
export const DEMO_REGISTRY_FILE = new URL("../../../src/adapters/registry/demo-registry.json", import.meta.url);

/** Reads and checks a registry file; a broken file stops the service at start, not at the first lookup. */
export async function openFileRegistry(path: string | URL): Promise<RegistryPort> {
  const parsed = registryFileSchema.parse(JSON.parse(await readFile(path, "utf8")));
  const name = typeof path === "string" ? path : path.pathname;
  return createFileRegistry(parsed, `file:${name.split("/").at(-1) ?? "registry"}`);
}
