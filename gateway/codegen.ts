import type { CodegenConfig } from "@graphql-codegen/cli";

// TypeScript types of the whole SDL (every context's .graphql): object, input, enum and argument types, and the
// resolver signatures. Mappings and resolvers are typed with them, so a view that no longer matches the schema is
// a compile error. Generated into src/gen/ (not committed), by `npm run generate` (turbo runs it before build,
// typecheck and lint).
const config: CodegenConfig = {
  schema: "src/**/*.graphql",
  generates: {
    "src/gen/graphql.ts": {
      plugins: ["typescript", "typescript-resolvers"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        immutableTypes: true,
        skipTypename: true,
        maybeValue: "T | null",
        inputMaybeValue: "T | null | undefined",
        avoidOptionals: { field: true, object: true, inputValue: false, defaultValue: false },
        scalars: { ID: "string" },
        useIndexSignature: false,
      },
    },
  },
  silent: true,
};
export default config;
