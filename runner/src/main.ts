#!/usr/bin/env node
// npm start: the whole platform in one process (embedded mode). Data under DATA_DIR (default ./data).
import { z } from "zod";

import { DEMO_ADMIN_LOGIN, DEMO_ADMIN_PASSWORD, seedDemo } from "./demoSeed.js";
import { startEmbeddedPlatform } from "./embedded.js";
import { seedSignedRecord } from "./recordFlow.js";

const env = z
  .object({
    DATA_DIR: z.string().min(1).default("./data"),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
    DEMO_SEED: z.enum(["true", "false"]).default("true"),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  })
  .parse(process.env);

const platform = await startEmbeddedPlatform({
  dataDir: env.DATA_DIR,
  gatewayPort: env.GATEWAY_PORT,
  logLevel: env.LOG_LEVEL,
  metricsPort: env.METRICS_PORT,
  ...(env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? {} : { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
});
const out = (line: string): void => void process.stdout.write(`${line}\n`);
out("Internet hospital platform — embedded mode (identity, reporting, integration, consult, prescription, pharmacy, records, gateway; SQLite under " + env.DATA_DIR + ")");
out(`GraphQL:  ${platform.graphqlUrl}`);
out(`GraphiQL: ${platform.graphqlUrl.replace(/\/graphql$/, "/graphiql")}`);
out(`Dashboard: ${platform.graphqlUrl.replace(/\/graphql$/, "/dashboard/")} (supervision figures: sign in as the institution admin below, or paste the regulator token)`);
if (platform.metricsUrl !== undefined) out(`Metrics:  ${platform.metricsUrl} (every service and the gateway, one "service" label each)`);
if (env.DEMO_SEED === "true") {
  const demo = await seedDemo(platform.graphqlUrl, platform.issuer, new Date());
  out(`Demo institution: ${demo.institutionId}`);
  out(`Demo logins (mutation login; staff step up with a passkey: startPasskeyRegistration after login, then startStepUp + stepUp WEBAUTHN): physician ${demo.staff.physicianLogin}, pharmacist ${demo.staff.pharmacistLogin}, patient ${demo.patient.login}; password ${demo.staff.password}; institution admin ${DEMO_ADMIN_LOGIN}, password ${DEMO_ADMIN_PASSWORD}`);
  out("Demo tokens (send as Authorization: Bearer <token>; system, admin and regulator valid 8 hours, the people's login sessions 1 hour or 30 idle minutes):");
  for (const [role, token] of Object.entries(demo.tokens)) out(`  ${role.padEnd(18)} ${token}`);
  // Issue 11: one follow-up consult closed, its outpatient record completed and signed by the demo physician.
  const record = await seedSignedRecord(platform.graphqlUrl, demo);
  out(`Demo record: ${record.recordId} (${record.status}, version ${record.version}); query medicalRecord(recordId) as the patient or physician`);
}
out("Ctrl-C or SIGTERM stops it in order.");

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) process.exit(1);
  stopping = true;
  platform.stop(signal).then(
    () => process.exit(0),
    (error: unknown) => {
      platform.logger.error({ err: error }, "stop failed");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
