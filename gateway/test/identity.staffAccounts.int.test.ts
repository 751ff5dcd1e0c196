import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, type IdentityStack, refusalOf, requestId, startIdentityStack } from "./support/identityStack.js";

// Issue 13 item 9: institution administrators and pharmacy-governance staff sign in like other staff (IDN-08),
// through GraphQL against the real identity service.

const OPEN = `mutation ($input: OpenStaffAccountInput!) { openStaffAccount(input: $input) { subjectId } }`;
const RESET = `mutation ($input: SetStaffPasswordInput!) { setStaffPassword(input: $input) { subjectId } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken subjectId } }`;
const INSTITUTION = `query ($id: ID!) { institution(id: $id) { id } }`;

let stack: IdentityStack;

beforeAll(async () => {
  stack = await startIdentityStack();
});
afterAll(() => stack?.close());

function claimsOf(token: string): { sub: string; roles: string[]; tenant: string } {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string; roles: string[]; tenant: string };
}

describe("staff accounts through the gateway (issue 13 item 9)", () => {
  it("IDN-08: system opens the first administrator; their login token has the role and tenant and works; they open governance staff at home only", async () => {
    const system = await stack.token(["system"], "platform", "platform-operator", "service");
    const first = { requestId: requestId("staff"), institutionId: stack.institutionId, role: "INSTITUTION_ADMIN", loginName: "admin@demo-hospital", password: "Admin-pass-1" };
    const { subjectId } = dataOf<{ subjectId: string }>(await stack.post(OPEN, { input: first }, system), "openStaffAccount");

    const session = dataOf<{ accessToken: string; subjectId: string }>(await stack.post(LOGIN, { input: { loginName: "admin@demo-hospital", password: "Admin-pass-1" } }), "login");
    expect(session.subjectId).toBe(subjectId);
    expect(claimsOf(session.accessToken)).toMatchObject({ sub: subjectId, roles: ["institution_admin"], tenant: stack.institutionId });
    // The login's token is an administrator's token: it reads the institution it administers.
    expect(dataOf<{ id: string }>(await stack.post(INSTITUTION, { id: stack.institutionId }, session.accessToken), "institution").id).toBe(stack.institutionId);

    const governance = { requestId: requestId("staff"), institutionId: stack.institutionId, role: "PHARMACY_GOVERNANCE", loginName: "gov@demo-hospital", password: "Gov-pass-1" };
    const officer = dataOf<{ subjectId: string }>(await stack.post(OPEN, { input: governance }, session.accessToken), "openStaffAccount");
    const officerSession = dataOf<{ accessToken: string }>(await stack.post(LOGIN, { input: { loginName: "gov@demo-hospital", password: "Gov-pass-1" } }), "login");
    expect(claimsOf(officerSession.accessToken)).toMatchObject({ sub: officer.subjectId, roles: ["pharmacy_governance"], tenant: stack.institutionId });

    const elsewhere = { ...governance, requestId: requestId("staff"), institutionId: "0193a9f2-7c1d-8e4b-9a6f-0000000000bb", loginName: "gov@elsewhere" };
    expect(refusalOf(await stack.post(OPEN, { input: elsewhere }, session.accessToken)).code).toBe("TENANT_MISMATCH");
    const reset = await stack.post(RESET, { input: { requestId: requestId("staff"), subjectId: officer.subjectId, password: "Gov-pass-2" } }, session.accessToken);
    expect(dataOf(reset, "setStaffPassword")).toEqual({ subjectId: officer.subjectId });
    expect(refusalOf(await stack.post(OPEN, { input: { ...governance, requestId: requestId("staff") } }, officerSession.accessToken)).code).toBe("ROLE_NOT_ALLOWED");
  });
});
