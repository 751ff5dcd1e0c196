// Process entry of the prescription service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus, tracing, metrics, and an ordered stop on SIGTERM. The embedded runner calls startPrescriptionService.
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { prescriptionConfigSchema } from "./config.js";
import { startPrescriptionService } from "./service.js";

await runServiceProcess({
  name: "prescription",
  config: loadConfig(prescriptionConfigSchema),
  start: (config, deps) => startPrescriptionService({ config, ...deps }),
});
