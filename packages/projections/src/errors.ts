/**
 * The read model was built by a different version of the projection than this process runs: another instance
 * (newer or older code) rebuilt it. Applying events with this code would mix two versions in one read model, so the
 * batch is refused; restarting this process rebuilds the read model for its own version.
 */
export class ProjectionVersionMismatchError extends Error {
  override readonly name = "ProjectionVersionMismatchError";

  constructor(
    readonly projection: string,
    readonly storedVersion: number,
    readonly codeVersion: number,
  ) {
    super(`projection ${projection}: read model is at version ${storedVersion}, this code is version ${codeVersion}`);
  }
}

/** The projector is already running live; stop it first. */
export class ProjectorAlreadyStartedError extends Error {
  override readonly name = "ProjectorAlreadyStartedError";

  constructor(readonly projection: string) {
    super(`projection ${projection}: projector already started`);
  }
}

/**
 * A batch held an event behind one it had already applied. Events reach a projection in log order; a feeder that
 * breaks it would otherwise have the late event skipped as a duplicate, and lost.
 */
export class EventOrderError extends Error {
  override readonly name = "EventOrderError";

  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly after: bigint,
  ) {
    super(`projection ${projection}: event at position ${position} arrived after position ${after}`);
  }
}
