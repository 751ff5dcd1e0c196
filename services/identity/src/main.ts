// Process entry of the identity service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus, tracing, metrics, and an ordered stop on SIGTERM. The embedded runner calls startIdentityService.
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { identityConfigSchema } from "./config.js";
import { startIdentityService } from "./service.js";

await runServiceProcess({
  name: "identity",
  config: loadConfig(identityConfigSchema),
  start: (config, deps) => startIdentityService({ config, ...deps }),
});
