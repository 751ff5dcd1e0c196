// Process entry of the integration service in the distributed mode (one pod): configuration from the environment,
// NATS JetStream bus (signed prescriptions and approvals arrive on it for the outbound feed), tracing, metrics, an
// ordered stop on SIGTERM, and the HL7 v2 MLLP listener when MLLP_PORT is set. The embedded runner calls
// startIntegrationService.
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { integrationConfigSchema } from "./config.js";
import { startIntegrationService } from "./service.js";

await runServiceProcess({
  name: "integration",
  config: loadConfig(integrationConfigSchema),
  start: (config, deps) => startIntegrationService({ config, ...deps }),
});
