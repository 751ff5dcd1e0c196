// Process entry of the consult service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus, tracing, metrics, and an ordered stop on SIGTERM. The embedded runner calls startConsultService.
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { consultConfigSchema } from "./config.js";
import { startConsultService } from "./service.js";

await runServiceProcess({
  name: "consult",
  config: loadConfig(consultConfigSchema),
  start: (config, deps) => startConsultService({ config, ...deps }),
});
