import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { embeddedRtc } from "../src/adapters/rtc/embeddedRtc.js";

describe("embeddedRtc", () => {
  it("issues short-lived participant tokens for a room, HMAC-signed with the service's secret", async () => {
    const secret = Buffer.from("s".repeat(32));
    const rtc = embeddedRtc({ secret, clock: () => new Date("2026-03-15T02:00:00Z"), tokenTtlSeconds: 300, newId: () => "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71" });
    const { roomId } = await rtc.createRoom("consult-1");
    const { token, expiresAt } = await rtc.issueToken(roomId, "patient-1", "patient");
    const [header, body, signature] = token.split(".");
    expect(createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url")).toBe(signature);
    expect(JSON.parse(Buffer.from(body!, "base64url").toString("utf8"))).toMatchObject({ room: roomId, sub: "patient-1", role: "patient" });
    expect(expiresAt.toISOString()).toBe("2026-03-15T02:05:00.000Z");
    await rtc.closeRoom(roomId);
  });
});
