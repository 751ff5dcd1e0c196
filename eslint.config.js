// Type-checked ESLint for the whole repo. Domain folders are kept pure: no I/O packages, no node:*, no clock, no
// randomness (ARCHITECTURE §10).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const ioPackages = [
  "node:*",
  "fs",
  "path",
  "crypto",
  "http",
  "https",
  "net",
  "child_process",
  "better-sqlite3",
  "pg",
  "kysely",
  "@grpc/*",
  "@nats-io/*",
  "@kurrent/*",
  "fastify",
  "mercurius",
  "pino",
  "@opentelemetry/*",
  "@ihp/eventsourcing/sqlite",
  "@ihp/eventsourcing/kurrentdb",
  "@ihp/messaging",
  "@ihp/projections",
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/gen/**", "**/node_modules/**", "**/.turbo/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportAllDeclaration", message: "No `export *`: index files list their exports." },
      ],
    },
  },
  {
    files: ["**/src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ioPackages.map((group) => ({ group: [group], message: "Domain code is pure: no I/O." })) }],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Domain code gets time from the command." },
        { object: "Math", property: "random", message: "Domain code gets ids and randomness from the command." },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportAllDeclaration", message: "No `export *`: index files list their exports." },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Domain code gets time from the command." },
      ],
    },
  },
  {
    files: ["**/test/**/*.ts", "tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
