import { AuthenticationError, type Principal, type PrincipalResolver } from "@ihp/platform";

/** An authenticated caller: who they are, and the original token the services will verify again. */
export interface Actor {
  readonly principal: Principal;
  readonly token: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

type Credential = { readonly kind: "none" } | { readonly kind: "bearer"; readonly token: string } | { readonly kind: "malformed" };

function credentialOf(authorization: unknown): Credential {
  if (authorization === undefined || authorization === null || authorization === "") return { kind: "none" };
  if (typeof authorization !== "string") return { kind: "malformed" };
  const token = BEARER.exec(authorization)?.[1];
  return token === undefined ? { kind: "malformed" } : { kind: "bearer", token };
}

/**
 * The caller of one request, from its `Authorization` header (HTTP) or `authorization` init payload (WebSocket).
 * The token is verified once, on first need, so requests refused before execution never pay for it.
 */
export class Caller {
  private readonly credential: Credential;
  private verified: Promise<Actor> | undefined;

  constructor(
    authorization: unknown,
    private readonly verifier: PrincipalResolver,
  ) {
    this.credential = credentialOf(authorization);
  }

  /** The authenticated actor; AuthenticationError (→ UNAUTHENTICATED) when no valid bearer token came. */
  actor(): Promise<Actor> {
    switch (this.credential.kind) {
      case "none":
        return Promise.reject(new AuthenticationError("TOKEN_MISSING"));
      case "malformed":
        return Promise.reject(new AuthenticationError("TOKEN_MALFORMED"));
      case "bearer": {
        const { token } = this.credential;
        this.verified ??= this.verifier.verify(token).then((principal) => ({ principal, token }));
        return this.verified;
      }
    }
  }

  /** For public fields: undefined without a token; a token that is sent must still be valid. */
  async optionalActor(): Promise<Actor | undefined> {
    return this.credential.kind === "none" ? undefined : this.actor();
  }
}
