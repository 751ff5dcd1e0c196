// Entry of the writer thread when the store runs from its TypeScript sources (tests, tsx): registers tsx's loader
// inside the thread, then loads the thread itself. Built code starts dist/sqlite/writerThread.js directly.
import { register } from "tsx/esm/api";

register();
await import("./writerThread.ts");
