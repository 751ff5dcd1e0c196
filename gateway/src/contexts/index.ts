// The API modules of the bounded contexts beyond the first slice (institutions and the regulator feed live in
// schema.graphql and resolvers/). Each module owns contexts/<name>/schema.graphql and its resolvers.
import type { GatewayModule } from "./module.js";
import { prescriptionModule } from "./prescription/resolvers.js";
import { pharmacyModule } from "./pharmacy/resolvers.js";
import { identityModule } from "./identity/resolvers.js";
import { consultModule } from "./consult/resolvers.js";
import { auditModule } from "./audit/resolvers.js";
import { reportingModule } from "./reporting/resolvers.js";
import { supervisionModule } from "./reporting/supervisionResolvers.js";
import { deliveryModule } from "./reporting/deliveryResolvers.js";
import { dashboardModule } from "./reporting/dashboardResolvers.js";
import { integrationModule } from "./integration/resolvers.js";
import { recordsModule } from "./records/resolvers.js";
import { recordsLifecycleModule } from "./records/lifecycleResolvers.js";
import { recordsCopiesModule } from "./records/copiesResolvers.js";
import { recordsMediaModule } from "./records/mediaResolvers.js";
import { erasureModule } from "./erasure/resolvers.js";

export const MODULES: readonly GatewayModule[] = [
  prescriptionModule,
  pharmacyModule,
  identityModule,
  consultModule,
  auditModule,
  reportingModule,
  supervisionModule,
  deliveryModule,
  dashboardModule,
  integrationModule,
  recordsModule,
  recordsLifecycleModule,
  recordsCopiesModule,
  recordsMediaModule,
  erasureModule,
];
