import type { Compilable, CompiledQuery, DialectAdapter, Kysely, KyselyPlugin, QueryResult } from "kysely";

/**
 * A query built and compiled once per database kind instead of on every run: building Kysely's query tree and
 * compiling it to SQL cost as much as a small SQLite statement (issue 15), and the hottest paths (a projector's
 * checkpoint per batch, a projection's write per event) run the same query with new values thousands of times.
 *
 *     const byName = compiledOnce((db: Kysely<Tables>, p: { name: string }) =>
 *       db.selectFrom("item").select("n").where("name", "=", p.name));
 *     const { rows } = await byName.execute(trx, { name: "a" });
 *
 * `build` runs once per database kind (dialect and plugins) with placeholders in `p`; each placeholder must reach the
 * SQL as a bound parameter (a compared or inserted value, a set value), and `execute` binds the run's values in their
 * place. Values the query takes from elsewhere are fixed at the first build. So a value that changes the query's
 * shape cannot be a parameter: a list for `in`, a LIMIT (literalLimits writes integers into the SQL text), an
 * undefined that would leave a column out, a null compared with `is`. The values are bound as the builder would bind
 * them, unconverted.
 */
export interface CompiledOnce<DB, P, O> {
  /**
   * Runs the query on `db` (the database or a transaction on it) with `params`. The result's rows are those of a
   * select or of a query with returning; numAffectedRows those of an insert, update or delete.
   */
  execute(db: Kysely<DB>, params: P): Promise<QueryResult<O>>;
}

/** What a bound parameter of the compiled query is: a placeholder's name, or a value fixed at build time. */
type Slot<P> = { readonly param: keyof P & string } | { readonly fixed: unknown };

interface Compiled<P, O> {
  readonly query: CompiledQuery<O>;
  readonly slots: readonly Slot<P>[];
}

/** Stands in for a parameter's value while the query is built; identified by the object itself. */
class Placeholder {
  constructor(readonly name: string) {}
}

export function compiledOnce<DB, P extends Record<string, unknown>, O>(
  build: (db: Kysely<DB>, params: P) => Compilable<O>,
): CompiledOnce<DB, P, O> {
  // Per adapter (one per Kysely instance, shared by its transactions), then per list of plugins (db.withPlugin adds
  // one; a transaction copies the list): both decide the SQL text. An adapter rarely has more than one list.
  const compiled = new WeakMap<DialectAdapter, { readonly plugins: readonly KyselyPlugin[]; readonly compiled: Compiled<P, O> }[]>();

  function compileFor(db: Kysely<DB>): Compiled<P, O> {
    const { adapter, plugins } = db.getExecutor();
    let entries = compiled.get(adapter);
    if (entries === undefined) {
      entries = [];
      compiled.set(adapter, entries);
    }
    const same = entries.find((entry) => entry.plugins.length === plugins.length && entry.plugins.every((plugin, i) => plugin === plugins[i]));
    if (same !== undefined) return same.compiled;
    const entry = { plugins: [...plugins], compiled: compile(db, build) };
    entries.push(entry);
    return entry.compiled;
  }

  return {
    async execute(db, params) {
      const { query, slots } = compileFor(db);
      const parameters = slots.map((slot) => {
        if ("fixed" in slot) return slot.fixed;
        const value = params[slot.param];
        if (value === undefined) throw new TypeError(`compiled query parameter ${slot.param} is undefined`);
        return value;
      });
      return await db.executeQuery<O>({ ...query, parameters });
    },
  };
}

function compile<DB, P extends Record<string, unknown>, O>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, params: P) => Compilable<O>,
): Compiled<P, O> {
  const placeholders = new Map<string, Placeholder>();
  const params = new Proxy({} as P, {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      let placeholder = placeholders.get(name);
      if (placeholder === undefined) {
        placeholder = new Placeholder(name);
        placeholders.set(name, placeholder);
      }
      return placeholder;
    },
  });
  const query = build(db, params).compile();
  const slots = query.parameters.map((value): Slot<P> =>
    value instanceof Placeholder ? { param: value.name } : { fixed: value },
  );
  const bound = new Set(slots.flatMap((slot) => ("param" in slot ? [slot.param] : [])));
  for (const name of placeholders.keys()) {
    if (!bound.has(name)) throw new TypeError(`compiled query parameter ${name} is not a bound parameter of: ${query.sql}`);
  }
  return { query, slots };
}
