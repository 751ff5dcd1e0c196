// @ihp/projections: checkpointed projections writing read models through Kysely, on SQLite or PostgreSQL.
export { batched } from "./batched.js";
export { compiledOnce } from "./compiledOnce.js";
export type { CompiledOnce } from "./compiledOnce.js";
export { CHECKPOINT_TABLE, decodePosition, encodePosition } from "./checkpoints.js";
export type { CheckpointTables } from "./checkpoints.js";
export { openPostgresReadModels, openSqliteReadModels } from "./database.js";
export type { PostgresReadModelOptions } from "./database.js";
export { EventOrderError, ProjectionVersionMismatchError, ProjectorAlreadyStartedError } from "./errors.js";
export type { Projection } from "./projection.js";
export { HeadReadModel } from "./headReadModel.js";
export type { HeadReadModelOptions } from "./headReadModel.js";
export { Projector } from "./projector.js";
export type { BatchResult, EventSource, ProjectorOptions } from "./projector.js";
