// npm start, until the embedded runner exists: there are no services to start yet (they come with the service-kit
// and service issues). It does what can be done honestly today: finds the embedded event logs under ./data and
// verifies their hash chains, so an operator sees the state of what is stored.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { verifyFile } from "@ihp/eventsourcing/sqlite";

const dataDir = process.env["DATA_DIR"] ?? "data";
process.stdout.write("Internet hospital platform — embedded mode\n");
process.stdout.write("No service is implemented yet: nothing is served. Platform core only (see README).\n");
const logs = existsSync(dataDir) ? readdirSync(dataDir).filter((file) => file.endsWith(".sqlite")) : [];
if (logs.length === 0) process.stdout.write(`No event logs under ${dataDir}/.\n`);
let broken = 0;
for (const file of logs) {
  const result = verifyFile(join(dataDir, file));
  if (result.ok) process.stdout.write(`${file}: ${result.checked} events, hash chain verifies\n`);
  else {
    broken++;
    process.stdout.write(`${file}: BROKEN at position ${result.position} (${result.reason})\n`);
  }
}
process.exit(broken === 0 ? 0 : 1);
