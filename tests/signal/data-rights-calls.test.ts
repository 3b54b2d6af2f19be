import { afterEach, describe, expect, test } from "bun:test";
import { api } from "../helpers/account-data.ts";
import { CallHarness } from "../helpers/call.ts";

let h: CallHarness;
afterEach(() => h?.close());

describe("calls and the account's data rights", () => {
  test("the display name is what the others in a call see", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const grace = await h.person("Grace");
    expect((await api(ada, "PATCH", "/api/v1/me", { displayName: "Countess" })).status).toBe(200);
    const roomId = await h.room(grace);
    const host = await h.socket(roomId, grace);
    await host.join();
    const guest = await h.socket(roomId, ada);
    expect((await guest.join()).you.name).toBe("Countess");
    expect((await host.next("participant-joined")).participant.name).toBe("Countess");
    expect((await grace.get("/dashboard")).text).toContain("Live now: Grace, Countess");
  });

  test("deleting the account ends the calls in its rooms and takes it out of the calls it is in; the others' calls go on", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const grace = await h.person("Grace");
    const adasRoom = await h.room(ada, "Ada's");
    const gracesRoom = await h.room(grace, "Grace's");

    const adaHosting = await h.socket(adasRoom, ada);
    await adaHosting.join();
    const graceVisiting = await h.socket(adasRoom, grace);
    await graceVisiting.join();
    const graceHosting = await h.socket(gracesRoom, grace);
    await graceHosting.join();
    const adaVisiting = await h.socket(gracesRoom, ada);
    const adaWelcome = await adaVisiting.join();
    await graceHosting.next("participant-joined");

    const cookie = [...ada.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    expect(await h.upgradeStatus(gracesRoom, { cookie, origin: h.base })).toBe(101);
    expect((await api(ada, "DELETE", "/api/v1/me", { confirm: true })).status).toBe(204);

    // Ada's room is gone: everyone in its call is told so and the sockets close as "ended".
    for (const socket of [adaHosting, graceVisiting]) {
      expect(await socket.next("call-ended")).toMatchObject({ reason: "room-deleted" });
      expect((await socket.closed).code).toBe(4002);
    }
    // In Grace's room Ada is taken out, with the reason; Grace sees her leave and stays.
    expect(await adaVisiting.next("error")).toMatchObject({ code: "account.deleted" });
    expect((await adaVisiting.closed).code).toBe(4002);
    expect(await graceHosting.next("participant-left")).toMatchObject({ peerId: adaWelcome.you.peerId });
    graceHosting.send({ type: "ping" });
    await graceHosting.next("pong");
    expect(h.t.hub.participantsOf(gracesRoom)).toEqual(["Grace"]);
    expect(h.t.hub.participantsOf(adasRoom)).toEqual([]);

    // And Ada cannot come back with the cookie she had: her session is gone.
    expect(await h.upgradeStatus(gracesRoom, { cookie, origin: h.base })).toBe(401);
  });
});
