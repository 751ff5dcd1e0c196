// Process entry of the reporting service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream as the bus (the identity, consult, prescription, pharmacy and reporting streams provisioned at connect),
// telemetry and metrics, SIGTERM → ordered stop. Without NATS it serves what it stored, on a private bus.
import { runServiceProcess } from "@ihp/service-host";
import { loadReportingConfig } from "./config.js";
import { startReportingService } from "./service.js";

await runServiceProcess({
  name: "reporting",
  config: loadReportingConfig(),
  natsOptional: true,
  start: (config, { logger, metrics }) => startReportingService({ config, logger, metrics }),
});
