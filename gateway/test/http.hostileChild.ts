// Child process of http.memory.int.test.ts: a gateway on fake services, listening on loopback, run under a capped
// heap. Reports its URL, then its memory whenever asked, over the IPC channel.
import { startHarness } from "./support/harness.js";

const h = await startHarness();
const url = await h.app.listen({ host: "127.0.0.1", port: 0 });
// The harness keeps every log line for assertions; here that would be the only thing growing.
setInterval(() => h.logLines.splice(0), 500).unref();
process.on("message", (message) => {
  if (message === "memory") {
    // With --expose-gc, what is still reachable rather than what awaits collection.
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage() });
  }
  if (message === "stop") void h.close().then(() => process.exit(0));
});
process.send?.({ url });
