import { assertPublishSubject, matchesAny } from "./subjects.js";

/** Subjects held at most; past it the table starts again (subjects with ids in them would otherwise grow it). */
export const MAX_ROUTES = 1_000;

/**
 * Which of the in-process bus's durables a published subject goes to, worked out the first time the subject is
 * published and then looked up: matching every durable's filters on every publish cost ≈ 400 subject matches, each
 * splitting two strings, per prescribing flow (issue 15). The answer keeps the durables' order. The bus calls forget()
 * whenever a durable is created or its subjects change, so an answer never outlives the filters it was worked out
 * from. A subject is checked (a valid publish subject) only when it is not held yet: only valid subjects are held.
 */
export class SubjectRoutes<T extends { readonly subjects: readonly string[] }> {
  private readonly routes = new Map<string, readonly T[]>();

  constructor(private readonly targets: () => Iterable<T>) {}

  /** Subjects held now. */
  get size(): number {
    return this.routes.size;
  }

  /** The targets whose filters match `subject`; InvalidSubjectError when it is not a valid publish subject. */
  of(subject: string): readonly T[] {
    let route = this.routes.get(subject);
    if (route === undefined) {
      assertPublishSubject(subject);
      route = [...this.targets()].filter((target) => matchesAny(target.subjects, subject));
      if (this.routes.size >= MAX_ROUTES) this.routes.clear();
      this.routes.set(subject, route);
    }
    return route;
  }

  forget(): void {
    this.routes.clear();
  }
}
