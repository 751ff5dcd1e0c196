import { type ChildProcess, fork } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HEAP_MB = 96;

/**
 * Issue 13 item 11: hostile documents must not grow memory without bound. A gateway runs in a child process with its
 * heap capped; thousands of distinct hostile documents (so every cache keyed by document text keeps missing and
 * filling) must leave it alive, answering, and within a memory bound. Before the caches were bounded the same run
 * killed the child (out of memory) after about 1,500 documents.
 */
describe("memory under hostile documents (capped heap)", () => {
  let child: ChildProcess;
  let url: string;
  const exits: (number | null)[] = [];

  const ask = <T>(message: string, key: string): Promise<T> =>
    new Promise((resolve) => {
      const listener = (reply: unknown): void => {
        if (typeof reply === "object" && reply !== null && key in reply) {
          child.off("message", listener);
          resolve((reply as Record<string, T>)[key] as T);
        }
      };
      child.on("message", listener);
      child.send(message);
    });

  beforeAll(async () => {
    child = fork(new URL("./http.hostileChild.ts", import.meta.url).pathname, [], {
      execArgv: [`--max-old-space-size=${HEAP_MB}`, "--expose-gc", "--import", "tsx", "--conditions=ihp-source"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.on("exit", (code) => exits.push(code));
    url = await new Promise<string>((resolve, reject) => {
      child.once("message", (message) => resolve((message as { url: string }).url));
      child.once("exit", (code) => reject(new Error(`gateway child exited with ${String(code)}`)));
    });
  });
  afterAll(() => {
    if (child.exitCode === null) child.send("stop");
  });

  it("survives 2,000 distinct hostile documents with a 96 MB heap and keeps answering", async () => {
    const padding = "x".repeat(60_000);
    const documents = (i: number): string => {
      switch (i % 5) {
        case 0: // valid, distinct, as large as the body limit allows: fills a cache of valid documents
          return `{ __typename } # ${i} ${padding}`;
        case 1: // directive spam
          return `{ __typename ${"@skip(if: false) ".repeat(300)} } # ${i}`;
        case 2: // unknown fields: a validation error per field, kept with the document
          return `{ ${Array.from({ length: 600 }, (_, n) => `f${i}_${n}`).join(" ")} }`;
        case 3: // malformed
          return `{ ${"a { ".repeat(20)} # ${i} ${padding}`;
        default: // aliases beyond the limit
          return `{ ${Array.from({ length: 400 }, (_, n) => `a${i}_${n}: __typename`).join(" ")} }`;
      }
    };
    // A number of documents, not a time budget: on a loaded machine the same run takes longer, and reaches as far.
    let next = 0;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (next < 2_000) {
        const i = next++;
        const response = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: documents(i) }),
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        sent += 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(sent).toBe(2_000);
    expect(exits).toEqual([]);

    const normal = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await normal.json()).toEqual({ data: { __typename: "Query" } });
    const memory = await ask<NodeJS.MemoryUsage>("memory", "memory");
    // After a full collection: what stays reachable (about 45 MB at start) must not have grown with the documents.
    expect(memory.heapUsed).toBeLessThan(80 * 1024 * 1024);
    expect(memory.rss).toBeLessThan(400 * 1024 * 1024);
  }, 240_000);
});
