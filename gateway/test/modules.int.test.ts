import { ConsultServiceService } from "@ihp/contracts/consult";
import { PatientServiceService, SessionServiceService } from "@ihp/contracts/identity";
import { DomainError } from "@ihp/eventsourcing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayModule, mergeResolvers } from "../src/contexts/module.js";
import { type Harness, startHarness } from "./support/harness.js";

const echoModule: GatewayModule = {
  name: "echo",
  schemaFile: new URL("./fixtures/echo.graphql", import.meta.url),
  resolvers: () => ({
    Query: {
      echo: (_root: unknown, args: { text: string }) => {
        if (args.text === "refuse") throw new DomainError("OUT_OF_SCOPE", "FAILED_PRECONDITION", "not here", "IDN-06");
        return args.text;
      },
    },
  }),
};

describe("context modules", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ modules: [echoModule] });
  });
  afterAll(() => h.close());

  it("serves a module's fields next to the built-in ones, with errors through the one formatter", async () => {
    const ok = await h.post("{ echo(text: \"hello\") publicInstitutions(first: 1) { edges { node { id } } } }");
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data?.echo).toBe("hello");
    const refused = await h.post("{ echo(text: \"refuse\") }");
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("OUT_OF_SCOPE");
  });

  it("answers SERVICE_NOT_CONFIGURED for a backend without an address", async () => {
    const failing: GatewayModule = {
      ...echoModule,
      resolvers: (deps) => ({
        Query: {
          echo: () => {
            deps.downstream.service("consult", ConsultServiceService);
            return "unreachable";
          },
        },
      }),
    };
    const other = await startHarness({ modules: [failing] });
    try {
      const response = await other.post("{ echo(text: \"x\") }");
      expect(response.body.errors?.[0]?.extensions?.code).toBe("SERVICE_NOT_CONFIGURED");
    } finally {
      await other.close();
    }
  });

  it("gives each service of a backend one cached client, all on the backend's channel", async () => {
    let seen: unknown[] = [];
    const probing: GatewayModule = {
      ...echoModule,
      resolvers: (deps) => ({
        Query: {
          echo: () => {
            seen = [
              deps.downstream.service("identity", PatientServiceService),
              deps.downstream.service("identity", SessionServiceService),
              deps.downstream.service("identity", PatientServiceService),
            ];
            return "ok";
          },
        },
      }),
    };
    const other = await startHarness({ modules: [probing] });
    try {
      await other.post('{ echo(text: "x") }');
      expect(seen[0]).toHaveProperty("registerPatient");
      expect(seen[1]).toHaveProperty("login");
      expect(seen[1]).not.toBe(seen[0]);
      expect(seen[2]).toBe(seen[0]);
    } finally {
      await other.close();
    }
  });

  it("refuses two modules defining the same field", () => {
    expect(() => mergeResolvers([{ Query: { a: 1 } }, { Query: { a: 2 } }])).toThrow(/Query\.a is defined twice/);
  });
});
