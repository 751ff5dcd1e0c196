import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RegulatorAdapter } from "../../application/delivery/regulatorAdapter.js";
import type { RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { nightlyCutoff } from "../../domain/delivery/schedule.js";
import { type HttpEndpoint, httpPost, statusFailure } from "./httpPost.js";
import { acksOf, wireMessage } from "./jsonPushAdapter.js";

/** What travels with a batch file: its period, count, SHA-256 and the message ids it holds. */
export interface BatchManifest {
  readonly jurisdiction: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly createdAt: string;
  readonly count: number;
  readonly sha256: string;
  readonly messageIds: readonly string[];
}

/** The file (JSON Lines, one wire message per line) and its manifest. */
export function buildBatch(jurisdiction: string, messages: readonly RegulatorMessage[], periodEnd: Date, now: Date): { content: string; manifest: BatchManifest } {
  const content = messages.map((message) => `${JSON.stringify(wireMessage(message))}\n`).join("");
  const manifest: BatchManifest = {
    jurisdiction,
    periodStart: new Date(periodEnd.getTime() - 24 * 3_600_000).toISOString(),
    periodEnd: periodEnd.toISOString(),
    createdAt: now.toISOString(),
    count: messages.length,
    sha256: createHash("sha256").update(content).digest("hex"),
    messageIds: messages.map((message) => message.messageId),
  };
  return { content, manifest };
}

/**
 * Nightly batch of the previous 24 hours: the file and its manifest are kept in `outboxDir` (the copy the
 * institution keeps) and uploaded as POST /batches { manifest, content }; the answer acknowledges each message.
 */
export function batchFileAdapter(jurisdiction: string, endpoint: HttpEndpoint, outboxDir: string): RegulatorAdapter {
  return {
    name: "batch-file",
    mode: "batch",
    async deliver(messages, now) {
      const periodEnd = nightlyCutoff(now);
      const { content, manifest } = buildBatch(jurisdiction, messages, periodEnd, now);
      const base = join(outboxDir, jurisdiction, `${periodEnd.toISOString().slice(0, 10)}-${manifest.sha256.slice(0, 12)}`);
      await mkdir(join(outboxDir, jurisdiction), { recursive: true });
      await writeFile(`${base}.jsonl`, content);
      await writeFile(`${base}.manifest.json`, JSON.stringify(manifest, null, 2));
      const answer = await httpPost(endpoint, "batches", JSON.stringify({ manifest, content }), "application/json");
      if (answer.status < 200 || answer.status > 299) return messages.map((m) => ({ messageId: m.messageId, ok: false, reason: statusFailure(answer.status) }));
      return acksOf(answer.text);
    },
  };
}
