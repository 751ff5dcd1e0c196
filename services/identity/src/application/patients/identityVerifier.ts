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
