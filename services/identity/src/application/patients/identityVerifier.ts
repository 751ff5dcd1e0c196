/**
 * The real-name verification port (IDN-07, IDN-02): a provider compares a live face with the document photo of the
 * national ID system. The service sends the document and the client SDK's session token, never an image.
 */
export interface IdentityVerifier {
  faceMatch(input: { readonly subjectId: string; readonly evidence: string }): Promise<{ passed: boolean; reference: string }>;
}

/**
 * The embedded stand-in: no provider runs on one machine, so it accepts any evidence token except those starting
 * with "mismatch" (how tests and demos show a failed match). Never configure it in production.
 */
export function standInIdentityVerifier(newId: () => string): IdentityVerifier {
  return {
    faceMatch: ({ evidence }) => Promise.resolve({ passed: !evidence.startsWith("mismatch"), reference: `standin:${newId()}` }),
  };
}

/**
 * Where no provider is configured outside the embedded mode: a face match never passes, so nobody can verify
 * themselves with made-up evidence; staff verify in person (IN_PERSON_DOCUMENT_CHECK) until a provider is wired.
 */
export const NO_FACE_MATCH_PROVIDER: IdentityVerifier = {
  faceMatch: () => Promise.resolve({ passed: false, reference: "no-provider-configured" }),
};

/** The stand-in only with the builtin issuer (embedded mode, tests); never in a deployment using OIDC. */
export function defaultIdentityVerifier(authMode: "builtin" | "oidc", newId: () => string): IdentityVerifier {
  return authMode === "builtin" ? standInIdentityVerifier(newId) : NO_FACE_MATCH_PROVIDER;
}

