import type Database from "better-sqlite3";
import { openSqliteFile } from "@ihp/eventsourcing/sqlite";
import {
  CompiledQuery,
  Kysely,
  type KyselyPlugin,
  type LimitNode,
  type OffsetNode,
  OperationNodeTransformer,
  PostgresDialect,
  type QueryId,
  SqliteDialect,
  type SqliteDatabase,
  ValueNode,
} from "kysely";
import pg from "pg";

/**
 * Read models for the embedded mode: one SQLite file through Kysely. WAL lets queries read while a batch commits.
 * synchronous=NORMAL, not FULL: a power cut may forget the last batches, but rows and checkpoint go back together
 * (one transaction), so the projector re-applies them from the log; read models are derived and rebuildable, and an
 * fsync per batch would slow every write of the service. destroy() closes it.
 */
export function openSqliteReadModels<DB>(path: string): Kysely<DB> {
  const database = openSqliteFile(path, { synchronous: "NORMAL", busyTimeoutMs: 5_000 });
  try {
    database.pragma("foreign_keys = ON");
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: reusingStatements(database) }), plugins: [literalLimits] });
}

/** An integer LIMIT or OFFSET value written into the SQL text instead of bound. */
class LiteralLimits extends OperationNodeTransformer {
  protected override transformLimit(node: LimitNode, queryId?: QueryId): LimitNode {
    return { ...node, limit: literal(node.limit) ?? this.transformNode(node.limit, queryId) };
  }
  protected override transformOffset(node: OffsetNode, queryId?: QueryId): OffsetNode {
    return { ...node, offset: literal(node.offset) ?? this.transformNode(node.offset, queryId) };
  }
}

function literal(node: LimitNode["limit"]): ValueNode | undefined {
  return ValueNode.is(node) && !node.immediate && Number.isSafeInteger(node.value) ? ValueNode.createImmediate(node.value) : undefined;
}

/**
 * SQLite prepares a statement again on every run when its LIMIT or OFFSET is a bound parameter (the planner reads the
 * value), which cost a paged read model query more than its execution (issue 15). With the value in the text, the
 * statement is prepared once per page size and kept by reusingStatements. Integers only: nothing a caller sends
 * reaches the SQL text but a number.
 */
const literalLimitsTransformer = new LiteralLimits();
const literalLimits: KyselyPlugin = {
  transformQuery: ({ node, queryId }) => literalLimitsTransformer.transformNode(node, queryId),
  transformResult: ({ result }) => Promise.resolve(result),
};

/** SQL texts whose prepared statements are kept per read-model database (a service's queries are a few dozen). */
const KEPT_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, preparing each SQL text once (issue 15): the driver prepares the
 * statement of every query it runs, and better-sqlite3 compiling the same SQL again costs as much as a small read.
 * Reuse is safe because the driver runs one query at a time on its single connection (its mutex is held until a
 * result, or a streamed select, is finished), and SQLite itself re-prepares a statement the schema has changed under.
 * Least recently used texts go first, so queries whose text varies (IN lists) cannot grow it.
 */
export function reusingStatements(database: Database.Database, maxStatements = KEPT_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= maxStatements) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

export interface PostgresReadModelOptions {
  /**
   * Schema the service's read models live in: every pooled connection's search_path is set to it alone, so the
   * same unqualified queries as on SQLite land there. The schema must exist. Default: the server's search_path.
   */
  readonly schema?: string;
  /** Pool size. Default 10. */
  readonly maxConnections?: number;
  /**
   * An idle pooled connection failed (e.g. the server restarted). The pool has already discarded it and the next
   * query opens a new one; without a listener pg would crash the process. Default: ignored.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
}

/** Read models for the distributed mode: PostgreSQL through Kysely, same queries as SQLite. destroy() ends the pool. */
export function openPostgresReadModels<DB>(connectionString: string, options: PostgresReadModelOptions = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  pool.on("error", (error) => options.onIdleConnectionError?.(error));
  const schema = options.schema;
  const setSearchPath =
    schema === undefined
      ? undefined
      : async (connection: { executeQuery(query: CompiledQuery): Promise<unknown> }): Promise<void> => {
          await connection.executeQuery(CompiledQuery.raw(`SET search_path TO ${quoteIdentifier(schema)}`));
        };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool, onCreateConnection: setSearchPath }) });
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
