// The API modules of the bounded contexts. Each module owns contexts/<name>/schema.graphql and its resolvers;
// schema.graphql next to contexts/ holds only what they share (directives, roles, root types, PageInfo).
import type { GatewayModule } from "./module.js";
import { institutionsModule } from "./institutions/resolvers.js";
import { feedModule } from "./feed/resolvers.js";
import { prescriptionLineModule, prescriptionModule } from "./prescription/resolvers.js";
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

/**
 * Always served: the gateway needs the identity and reporting addresses anyway, it runs the feed's bus consumer
 * itself, and other modules extend the feed's types (FeedCategory, FeedPayload); the prescription line's types are
 * shown by both the prescription and the pharmacy modules.
 */
const BUILT_IN_MODULES: readonly GatewayModule[] = [institutionsModule, feedModule, prescriptionLineModule];

/** The other contexts' modules: GatewayOptions.modules chooses among them (default: all). */
const MODULES: readonly GatewayModule[] = [
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

/** The modules a gateway serves: the built-in ones, then the chosen others. */
export function servedModules(chosen: readonly GatewayModule[] = MODULES): readonly GatewayModule[] {
  return [...BUILT_IN_MODULES, ...chosen];
}
