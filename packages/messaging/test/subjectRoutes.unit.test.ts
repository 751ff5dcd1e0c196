// Issue 15: the in-process bus works out where a subject goes once, not per publish; what it holds stays bounded.
import { describe, expect, it } from "vitest";
import { MAX_ROUTES, SubjectRoutes } from "../src/subjectRoutes.js";

const durable = (name: string, ...subjects: string[]) => ({ name, subjects });

describe("SubjectRoutes", () => {
  it("answers the targets whose filters match, in their order, and asks for the targets once per subject", () => {
    const targets = [durable("all", "ihp.>"), durable("consult", "ihp.consult.v1.*"), durable("other", "ihp.identity.>"), durable("two", "x.y", "ihp.consult.>")];
    let asked = 0;
    const routes = new SubjectRoutes(() => {
      asked += 1;
      return targets;
    });
    const names = (subject: string): string[] => routes.of(subject).map((target) => target.name);
    expect(names("ihp.consult.v1.ConsultStarted")).toEqual(["all", "consult", "two"]);
    expect(names("ihp.consult.v1.ConsultStarted")).toEqual(["all", "consult", "two"]);
    expect(names("x.y")).toEqual(["two"]);
    expect(names("nowhere")).toEqual([]);
    expect(asked).toBe(3);
    routes.forget();
    targets.push(durable("late", "ihp.consult.>"));
    expect(names("ihp.consult.v1.ConsultStarted")).toEqual(["all", "consult", "two", "late"]);
    expect(asked).toBe(4);
  });

  it("refuses an invalid publish subject every time, and holds only valid ones", () => {
    const routes = new SubjectRoutes(() => [durable("all", ">")]);
    for (let i = 0; i < 2; i++) expect(() => routes.of("ihp.*.v1")).toThrow(/invalid publish subject/);
    expect(routes.size).toBe(0);
  });

  it(`never holds more than ${MAX_ROUTES} subjects, however many are published`, () => {
    const routes = new SubjectRoutes(() => [durable("all", "ihp.>")]);
    for (let i = 0; i < MAX_ROUTES * 2 + 5; i++) {
      expect(routes.of(`ihp.order.${i}`)).toHaveLength(1);
      expect(routes.size).toBeLessThanOrEqual(MAX_ROUTES);
    }
  });
});
