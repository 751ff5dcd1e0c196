import { describe, expect, it } from "vitest";
import type { Caller } from "../src/application/caller.js";
import { signedByClinician } from "../src/application/identityActs.js";
import type { SignRequest } from "../src/application/ports.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";

// A consult document's signature is stored only with identity's verdict that it is the clinician's and valid (IDN-09).
// identity answers that verdict with the signature it made (SignDocument), so consult asks VerifySignature only of an
// identity that gives none.

const caller: Caller = {
  principal: { subject: "physician-1", roles: ["physician"], tenantId: "inst-1", kind: "human", sessionId: "session-physician-1" },
  token: "token-physician-1",
  correlationId: "corr-1",
  trace: {},
};
const act = { documentType: "CONSULT_SUMMARY", documentId: "consult-1", requestId: "req-1", document: { consultId: "consult-1", summary: "稳定" } };
const methods = (identity: InMemoryIdentity) => identity.calls.map((call) => call.method);

describe("signedByClinician", () => {
  it("takes identity's verdict from the signing answer: one call to identity, no VerifySignature", async () => {
    const identity = new InMemoryIdentity();
    const signature = await signedByClinician(identity, caller, act);
    expect(signature.signerId).toBe("physician-1");
    expect(methods(identity)).toEqual(["sign"]);
  });

  it("asks VerifySignature of an identity that answers no verdict with the signature", async () => {
    const identity = new InMemoryIdentity();
    identity.verdictWithSign = false;
    await signedByClinician(identity, caller, act);
    expect(methods(identity)).toEqual(["sign", "verify"]);
  });

  it("refuses SIGNATURE_NOT_VALID when identity's verdict with the signature is invalid", async () => {
    const identity = new (class extends InMemoryIdentity {
      override async sign(signer: Caller, request: SignRequest) {
        const made = await super.sign(signer, request);
        return { ...made, verification: { valid: false, reasonCode: "CERTIFICATE_REVOKED" } };
      }
    })();
    await expect(signedByClinician(identity, caller, act)).rejects.toMatchObject({ code: "SIGNATURE_NOT_VALID" });
    expect(methods(identity)).toEqual(["sign"]);
  });
});
