import type { JsonValue } from "@ihp/eventsourcing";
import type { Contribution } from "./contribution.js";
import type { MediaReference, OutpatientRecord, RecordSections } from "./document.js";
import type { MedicalRecord } from "./recordTypes.js";

/** One difference between two versions: a JSON path ("sections.diagnoses[0].code") and the values on each side. */
export type VersionChange = {
  readonly path: string;
  readonly op: "added" | "removed" | "changed";
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
};

type Content = { readonly sections: RecordSections; readonly media: MediaReference[] };

/** REC-04: what changed from `before` to `after`, field by field (sections and media), in a stable order. */
export function diffVersions(before: Content, after: Content): VersionChange[] {
  const changes: VersionChange[] = [];
  walk("sections", before.sections, after.sections, changes);
  walk("media", before.media, after.media, changes);
  return changes;
}

function walk(path: string, before: unknown, after: unknown, out: VersionChange[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push({ path, op: "added", before: null, after: after as JsonValue });
    return;
  }
  if (after === undefined) {
    out.push({ path, op: "removed", before: before as JsonValue, after: null });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(`${path}[${i}]`, before[i], after[i], out);
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(`${path}.${key}`, before[key], after[key], out);
    return;
  }
  if (before !== after) out.push({ path, op: "changed", before: before as JsonValue, after: after as JsonValue });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** REC-04: every version with its operator, server time, change type and the diff from the version before. */
export type VersionEntry = {
  readonly version: number;
  readonly contribution: Contribution;
  readonly changes: VersionChange[];
};

export function versionHistory(record: MedicalRecord): VersionEntry[] {
  return record.versions.map((entry, i) => {
    const previous = record.versions[i - 1];
    return {
      version: entry.version,
      contribution: entry.contribution,
      changes: previous === undefined ? [] : diffVersions(previous, entry),
    };
  });
}

/**
 * The WS/T 500.2 document as of `version` (default: the latest), with the signatures over that version. undefined
 * when the version does not exist (or the record was destroyed). Media references stay after a blob is destroyed
 * (REC-03), so the signed bytes of a version never change; record.destroyedMedia says which blobs are gone.
 */
export function documentAt(record: MedicalRecord, version?: number): OutpatientRecord | undefined {
  const entry = version === undefined ? record.versions.at(-1) : record.versions.find((v) => v.version === version);
  if (entry === undefined) return undefined;
  return {
    header: { ...record.header, version: entry.version },
    sections: entry.sections,
    media: entry.media,
    author: record.author,
    signatures: record.signatures.filter((s) => s.version === entry.version).map(({ version: _, ...signature }) => signature),
  };
}

/**
 * REC-11: what a seal (or a seal increment) covers: the current document and every addendum, as plain JSON. The
 * application hashes it (canonical JSON, SHA-256) into the snapshotHash the parties sign and stores it apart.
 */
export function sealSnapshot(record: MedicalRecord): { document: OutpatientRecord; addenda: MedicalRecord["addenda"] } | undefined {
  const document = documentAt(record);
  return document === undefined ? undefined : { document, addenda: record.addenda };
}

/**
 * REC-04, REC-08: the latest confirmed version — signed by the author and, for a trainee's record, co-signed — which
 * is what a patient is shown; undefined while nothing is confirmed. A draft amendment never hides the confirmed one.
 */
export function confirmedVersion(record: MedicalRecord): number | undefined {
  const signedBy = (version: number, role: "AUTHOR" | "COSIGNER") => record.signatures.some((s) => s.version === version && s.role === role);
  const confirmed = record.versions
    .map((v) => v.version)
    .filter((version) => signedBy(version, "AUTHOR") && (!record.authorNeedsCosign || signedBy(version, "COSIGNER")));
  return confirmed.at(-1);
}
