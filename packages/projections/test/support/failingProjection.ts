import type { Projection } from "../../src/index.js";

export class InjectedFailure extends Error {
  override readonly name = "InjectedFailure";
}

/** The projection, except that its nth apply call throws after the earlier ones in the same batch wrote rows. */
export function failingOnApply<DB>(projection: Projection<DB>, nth: number): Projection<DB> & { readonly calls: () => number } {
  let calls = 0;
  return {
    ...projection,
    calls: () => calls,
    async apply(trx, event) {
      calls += 1;
      if (calls === nth) throw new InjectedFailure(`apply #${nth} failed at position ${event.position}`);
      await projection.apply(trx, event);
    },
  };
}
