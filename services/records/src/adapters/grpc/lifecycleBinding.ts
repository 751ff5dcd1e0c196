import { RecordLifecycleServiceService } from "@ihp/contracts/records";
import type { GrpcHandlers } from "@ihp/platform";
import type { LifecycleDeps } from "../../application/lifecycle.js";
import type { MediaVault } from "../../application/mediaVault.js";
import { createLifecycleCustody } from "../../application/lifecycleCustody.js";
import { createLifecycleDestruction } from "../../application/lifecycleDestruction.js";
import { createLifecycleDisputes } from "../../application/lifecycleDisputes.js";
import { createLifecycleSigning } from "../../application/lifecycleSigning.js";
import { createDueList } from "../../application/retentionJob.js";
import { lifecycleServer } from "./lifecycleServer.js";

/** The RecordLifecycleService binding the service host serves next to RecordsService (one port, one log). */
export function lifecycleBinding(deps: LifecycleDeps & { readonly handlers: GrpcHandlers; readonly newId: () => string; readonly media: MediaVault | undefined }) {
  return {
    definition: RecordLifecycleServiceService,
    implementation: lifecycleServer({
      handlers: deps.handlers,
      signing: createLifecycleSigning(deps),
      custody: createLifecycleCustody(deps),
      disputes: createLifecycleDisputes(deps),
      destruction: createLifecycleDestruction(deps),
      dueList: createDueList(deps),
      newId: deps.newId,
    }),
  };
}
