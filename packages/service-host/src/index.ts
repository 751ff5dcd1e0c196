// @ihp/service-host: the composition root the event-sourced services share.
export { startServiceHost } from "./serviceHost.js";
export type { HostConfig, HostDeps, HostedConsumer, HostedService, ServiceHostOptions } from "./serviceHost.js";
