// Process entry of the records service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus (consult's ConsultCompleted arrives on it), tracing, metrics, an ordered stop on SIGTERM. The TSA is
// RECORDS_TSA_URL with RECORDS_TSA_CERT_FILE. The embedded runner calls startRecordsService.
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { recordsConfigSchema } from "./config.js";
import { startRecordsService } from "./service.js";

await runServiceProcess({
  name: "records",
  config: loadConfig(recordsConfigSchema),
  start: (config, deps) => startRecordsService({ config, ...deps }),
});
