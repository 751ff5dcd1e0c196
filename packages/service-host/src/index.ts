// @ihp/service-host: the composition root the event-sourced services share.
export { startServiceHost } from "./serviceHost.js";
export type { HostConfig, HostDeps, HostedConsumer, HostedJob, HostedService, ServiceHostOptions } from "./serviceHost.js";
export { runServiceProcess } from "./runServiceProcess.js";
export type { ProcessDeps } from "./runServiceProcess.js";
