import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { SessionService } from "../../src/auth/sessions.ts";
import { EventStream } from "../helpers/events.ts";
import { api, htmxPost, loginPerson, PEOPLE_FLAGS, type Person } from "../helpers/people.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

// Real servers and streams: more than bun's default 5 s when the machine is busy.
setDefaultTimeout(30_000);

let t: TestApp;
let streams: EventStream[] = [];
afterEach(() => {
  for (const stream of streams) stream.close();
  streams = [];
  t?.close();
});

/** A listening app with Ada and Bob, each in the other's contacts. */
async function setup() {
  t = await startTestApp(PEOPLE_FLAGS);
  const base = t.listen();
  const ada = await loginPerson(t, "Ada", "ada_l");
  const bob = await loginPerson(t, "Bob", "bob_b");
  expect((await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId })).status).toBe(201);
  expect((await api(bob, "POST", "/api/v1/contacts", { youmeetId: ada.youmeetId })).status).toBe(201);
  const page = async (person: Person) => {
    const stream = await EventStream.open(base, person.cookie);
    streams.push(stream);
    return stream;
  };
  return { base, ada, bob, page };
}

/** Ada presses Call on Bob from the page whose live-events id is `pageId`. */
async function call(from: Person, to: Person, pageId: string) {
  const answer = await htmxPost(from, "/calls", { youmeetId: to.youmeetId }, { "x-youmeet-page": pageId });
  expect(answer.status).toBe(200);
  return answer;
}

describe("ringing over the live event stream", () => {
  test("Call rings on every page of the callee; Accept on one stops the others and takes both into the room", async () => {
    const { ada, bob, page } = await setup();
    const adaPage = await page(ada);
    const bobTab1 = await page(bob);
    const bobTab2 = await page(bob);

    await call(ada, bob, adaPage.pageId);
    const rings = await Promise.all([bobTab1, bobTab2].map((tab) => tab.next("call", (c) => c.state === "ringing")));
    for (const ring of rings) {
      expect(ring.data).toMatchObject({ direction: "incoming", state: "ringing", peer: { name: "Ada", youmeetId: ada.youmeetId }, roomUrl: null });
      expect(ring.data.html).toContain("Ada is calling you");
      expect(ring.data.html).toContain(`/calls/${ring.data.id}/accept`);
      expect(ring.data.html).toContain(`/calls/${ring.data.id}/decline`);
    }
    const callId = rings[0]!.data.id;
    const ringing = await adaPage.next("call", (c) => c.id === callId);
    expect(ringing.data).toMatchObject({ direction: "outgoing", state: "ringing", open: false, peer: { name: "Bob" } });
    expect(ringing.data.html).toContain("Calling Bob…");

    const accept = await htmxPost(bob, `/calls/${callId}/accept`);
    expect(accept.status).toBe(204);
    const roomPath = accept.headers.get("hx-redirect")!;
    expect(roomPath).toMatch(/^\/r\/[A-Za-z0-9_-]+$/);

    const stopped = await bobTab2.next("call", (c) => c.id === callId && c.state !== "ringing");
    expect(stopped.data.state).toBe("accepted");
    expect(stopped.data.html).toBe("");
    const accepted = await adaPage.next("call", (c) => c.id === callId && c.state === "accepted");
    expect(accepted.data.open).toBe(true);
    expect(accepted.data.roomUrl).toBe(`${t.config.publicUrl}${roomPath}`);

    // The room is Ada's, closed to guests, and the next call between them reuses it.
    const room = t.stores.rooms.find(roomPath.slice(3))!;
    expect(room.ownerId).toBe(t.stores.accounts.findByYoumeetId(ada.youmeetId)!.id);
    expect(room.allowGuests).toBe(false);
    await call(ada, bob, adaPage.pageId);
    const again = await bobTab1.next("call", (c) => c.state === "ringing");
    expect(again.data.id).not.toBe(callId);
    const second = await htmxPost(bob, `/calls/${again.data.id}/accept`);
    expect(second.headers.get("hx-redirect")).toBe(roomPath);
  });

  test("Decline: the caller sees it, every page of the callee drops the banner", async () => {
    const { ada, bob, page } = await setup();
    const adaPage = await page(ada);
    const bobTab1 = await page(bob);
    const bobTab2 = await page(bob);
    await call(ada, bob, adaPage.pageId);
    const ring = await bobTab1.next("call");
    const decline = await htmxPost(bob, `/calls/${ring.data.id}/decline`);
    expect(decline.status).toBe(200);
    expect(decline.text.trim()).toBe("");
    const declined = await adaPage.next("call", (c) => c.state === "declined");
    expect(declined.data.html).toContain("Bob declined the call.");
    expect(declined.data.open).toBe(false);
    expect((await bobTab2.next("call", (c) => c.state === "declined")).data.html).toBe("");
    // Too late to accept now: a clear message, and the call stays declined.
    const late = await htmxPost(bob, `/calls/${ring.data.id}/accept`);
    expect(late.status).toBe(409);
    expect(late.text).toContain("This call was already declined.");
    expect((await api(ada, "GET", `/api/v1/calls/${ring.data.id}`)).json().state).toBe("declined");
    // Ended calls are kept in memory for ten minutes only, then forgotten.
    t.clock.now += 10 * 60_000 + 1;
    expect((await api(ada, "GET", `/api/v1/calls/${ring.data.id}`)).status).toBe(404);
  });

  test("nobody answers for 30 s: the call stops ringing as not answered (the test moves the clock)", async () => {
    const { ada, bob, page } = await setup();
    const adaPage = await page(ada);
    const bobPage = await page(bob);
    await call(ada, bob, adaPage.pageId);
    const ring = await bobPage.next("call");
    expect(Date.parse(ring.data.expiresAt) - Date.parse(ring.data.startedAt)).toBe(30_000);
    t.clock.now += 29_000;
    await Bun.sleep(700);
    expect((await api(ada, "GET", `/api/v1/calls/${ring.data.id}`)).json().state).toBe("ringing");
    t.clock.now += 1_000;
    const missed = await adaPage.next("call", (c) => c.state === "missed");
    expect(missed.data.html).toContain("Bob did not answer.");
    expect((await bobPage.next("call", (c) => c.state === "missed")).data.html).toBe("");
    const late = await htmxPost(bob, `/calls/${ring.data.id}/accept`);
    expect(late.status).toBe(409);
    expect(late.text).toContain("not answered in time");
  });

  test("the caller cancels: the callee's banners go, accepting afterwards is refused", async () => {
    const { ada, bob, page } = await setup();
    const adaPage = await page(ada);
    const bobPage = await page(bob);
    await call(ada, bob, adaPage.pageId);
    const ring = await bobPage.next("call");
    const cancel = await htmxPost(ada, `/calls/${ring.data.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.text).toContain("Call to Bob cancelled.");
    expect((await bobPage.next("call", (c) => c.state === "cancelled")).data.html).toBe("");
    expect((await adaPage.next("call", (c) => c.state === "cancelled")).data.html).toContain("Call to Bob cancelled.");
    const late = await htmxPost(bob, `/calls/${ring.data.id}/accept`);
    expect(late.status).toBe(409);
    expect(late.text).toContain("This call was cancelled before it was answered.");
  });

  test("someone not in the callee's contacts cannot ring them, unless the callee allows calls from anyone", async () => {
    const { base, bob, page } = await setup();
    const eve = await loginPerson(t, "Eve", "eve_e");
    expect((await api(eve, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId })).status).toBe(201);
    const bobPage = await page(bob);
    const refused = await api(eve, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({ code: "call.not_allowed", message: "Bob accepts calls only from their contacts." });
    const onPage = await htmxPost(eve, "/calls", { youmeetId: bob.youmeetId });
    expect(onPage.status).toBe(403);
    expect(onPage.text).toContain("Bob accepts calls only from their contacts.");
    expect(onPage.text).toContain('id="contacts"');
    expect(t.stores.rooms.listByOwner(t.stores.accounts.findByYoumeetId(eve.youmeetId)!.id)).toEqual([]);

    // Bob lets anyone call; the first event his page gets is Eve's ring (nothing came before it).
    expect((await bob.client.get("/settings")).text).toContain('value="contacts" checked');
    expect((await htmxPost(bob, "/settings/calls", { from: "anyone" })).text).toContain('value="anyone" checked');
    const allowed = await api(eve, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    expect(allowed.status).toBe(201);
    const ring = await bobPage.next("call");
    expect(ring.data).toMatchObject({ id: allowed.json().id, peer: { name: "Eve" }, state: "ringing" });
    expect(base).toStartWith("http://127.0.0.1:");
  });

  test("a page opened while a call rings shows the banner at once; closing pages makes the person offline", async () => {
    const { base, ada, bob, page } = await setup();
    const adaPage = await page(ada);
    await call(ada, bob, adaPage.pageId);
    const late = await EventStream.open(base, bob.cookie);
    streams.push(late);
    const ring = await late.next("call");
    expect(ring.data).toMatchObject({ state: "ringing", direction: "incoming" });
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(true);
    expect((await ada.client.get("/contacts/list", { "hx-request": "true" })).text).toContain("Online now");
    late.close();
    for (let i = 0; i < 50 && (await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online; i++) await Bun.sleep(20);
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(false);
  });

  test("presence is shown only between people who added each other: a one-way contact cannot watch when someone is online", async () => {
    const { ada, bob, page } = await setup();
    await page(bob);
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(true);
    const carol = await loginPerson(t, "Carol", "carol_c");
    expect((await api(carol, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId })).json().online).toBe(false);
    expect((await api(carol, "GET", "/api/v1/contacts")).json().contacts[0]).toMatchObject({ youmeetId: bob.youmeetId, online: false });
    expect((await carol.client.get("/contacts/list", { "hx-request": "true" })).text).not.toContain("Online now");
    // Once Bob adds Carol back, she sees him online.
    expect((await api(bob, "POST", "/api/v1/contacts", { youmeetId: carol.youmeetId })).status).toBe(201);
    expect((await api(carol, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(true);
    // The name Bob chose on youmeet is the one his contacts see.
    expect((await api(bob, "PATCH", "/api/v1/me", { displayName: "Robert" })).status).toBe(200);
    expect((await api(carol, "GET", "/api/v1/contacts")).json().contacts[0].name).toBe("Robert");
  });

  test("the JSON API starts a call, reads its state, and cancels (caller) or declines (callee) it", async () => {
    const { ada, bob, page } = await setup();
    const bobPage = await page(bob);
    const started = await api(ada, "POST", "/api/v1/calls", { youmeetId: ` ${bob.youmeetId.toUpperCase()} ` });
    expect(started.status).toBe(201);
    const created = started.json();
    expect(created).toMatchObject({ state: "ringing", direction: "outgoing", peer: { youmeetId: bob.youmeetId, name: "Bob" } });
    expect(created.roomUrl).toStartWith(`${t.config.publicUrl}/r/`);
    const doc = (await ada.client.get("/api/v1/openapi.json")).json();
    expect(Object.keys(doc.components.schemas.Call.properties)).toEqual(Object.keys(created));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/contacts", "/contacts/{youmeetId}", "/calls", "/calls/{id}"]));
    const listed = (await api(ada, "GET", "/api/v1/contacts")).json().contacts[0];
    expect(Object.keys(doc.components.schemas.Contact.properties)).toEqual(Object.keys(listed));
    expect((await bobPage.next("call")).data.id).toBe(created.id);
    // The callee sees it without the room until they accept; nobody else sees it at all.
    expect((await api(bob, "GET", `/api/v1/calls/${created.id}`)).json()).toMatchObject({ direction: "incoming", roomUrl: null });
    const eve = await loginPerson(t, "Eve");
    const stranger = await api(eve, "GET", `/api/v1/calls/${created.id}`);
    expect(stranger.status).toBe(404);
    expect(stranger.json().error.code).toBe("call.not_found");
    expect((await api(eve, "DELETE", `/api/v1/calls/${created.id}`)).status).toBe(404);
    // Calling the same person again while it rings is the same call.
    expect((await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json().id).toBe(created.id);

    const cancelled = await api(ada, "DELETE", `/api/v1/calls/${created.id}`);
    expect(cancelled.json()).toMatchObject({ id: created.id, state: "cancelled" });
    expect((await bobPage.next("call", (c) => c.state === "cancelled")).data.id).toBe(created.id);
    const again = await api(ada, "DELETE", `/api/v1/calls/${created.id}`);
    expect(again.status).toBe(409);
    expect(again.json().error.message).toBe("This call was cancelled before it was answered.");

    const next = (await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json();
    expect(next.roomUrl).toBe(created.roomUrl);
    expect((await api(bob, "DELETE", `/api/v1/calls/${next.id}`)).json()).toMatchObject({ state: "declined", direction: "incoming" });
  });

  test("bad call requests answer their message and ring nobody", async () => {
    const { ada, bob, page } = await setup();
    const bobPage = await page(bob);
    const cases: Array<[unknown, number, string, string]> = [
      [{ youmeetId: "nope" }, 400, "contact.bad_id", 'is not a youmeet ID'],
      [{ youmeetId: "zzz-zzz-zzz" }, 404, "call.unknown_id", "Nobody here has the youmeet ID zzz-zzz-zzz."],
      [{ youmeetId: ada.youmeetId }, 400, "call.self", "You cannot call yourself."],
      [{}, 400, "request.invalid", "youmeetId"],
      [{ youmeetId: 42 }, 400, "request.invalid", "youmeetId"],
      [{ youmeetId: "x".repeat(65) }, 400, "request.invalid", "youmeetId"],
    ];
    for (const [body, status, code, message] of cases) {
      const answer = await api(ada, "POST", "/api/v1/calls", body);
      expect(answer.status).toBe(status);
      expect(answer.json().error.code).toBe(code);
      expect(answer.json().error.message).toContain(message);
    }
    expect(t.stores.rooms.listByOwner(t.stores.accounts.findByYoumeetId(ada.youmeetId)!.id)).toEqual([]);
    expect((await api(ada, "GET", "/api/v1/calls/not-a-call")).status).toBe(404);
    expect(bobPage.unread).toEqual([]);
  });

  test("calls are rate-limited: the eleventh new call in a minute is refused", async () => {
    const { ada, bob } = await setup();
    for (let i = 0; i < 10; i++) {
      const started = await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
      expect(started.status).toBe(201);
      await api(ada, "DELETE", `/api/v1/calls/${started.json().id}`);
    }
    const refused = await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({ code: "call.rate_limited", message: "You started 10 calls in the last minute; wait a little." });
    t.clock.now += 60_000;
    expect((await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).status).toBe(201);
  });

  test("refused calls count too, so a stranger cannot probe IDs and names without limit", async () => {
    const { bob } = await setup();
    const carol = await loginPerson(t, "Carol", "carol_c");
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push((await api(carol, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json().error.code);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill("call.not_allowed"));
    expect(codes.slice(10)).toEqual(["call.rate_limited", "call.rate_limited"]);
    expect((await api(carol, "POST", "/api/v1/calls", { youmeetId: "zzz-zzz-zzz" })).json().error.code).toBe("call.rate_limited");
  });

  test("calling someone else while a call rings cancels the first one", async () => {
    const { ada, bob, page } = await setup();
    const cleo = await loginPerson(t, "Cleo");
    await api(cleo, "POST", "/api/v1/contacts", { youmeetId: ada.youmeetId });
    const bobPage = await page(bob);
    const first = (await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json();
    await bobPage.next("call");
    expect((await api(ada, "POST", "/api/v1/calls", { youmeetId: cleo.youmeetId })).status).toBe(201);
    expect((await bobPage.next("call", (c) => c.id === first.id)).data.state).toBe("cancelled");
  });

  test("without scripts: Call goes to the call's page, which reloads while ringing and follows an accepted call into the room", async () => {
    const { ada, bob } = await setup();
    const start = await ada.client.post("/calls", { youmeetId: bob.youmeetId });
    expect(start.status).toBe(303);
    const callPath = start.headers.get("location")!;
    expect(callPath).toMatch(/^\/calls\/[A-Za-z0-9_-]{22}$/);
    const ringing = await ada.client.get(callPath);
    expect(ringing.text).toContain('<meta http-equiv="refresh" content="2">');
    expect(ringing.text).toContain("Calling Bob…");
    const incoming = await bob.client.get(callPath);
    expect(incoming.text).toContain("Ada is calling you");
    const accept = await bob.client.post(`${callPath}/accept`);
    expect(accept.status).toBe(303);
    const room = accept.headers.get("location")!;
    expect(room).toMatch(/^\/r\//);
    const follow = await ada.client.get(callPath);
    expect(follow.status).toBe(303);
    expect(follow.headers.get("location")).toBe(room);
    // An htmx page that has no live stream yet also follows the call on its page.
    const viaHtmx = await htmxPost(ada, "/calls", { youmeetId: bob.youmeetId });
    expect(viaHtmx.status).toBe(204);
    expect(viaHtmx.headers.get("hx-redirect")).toMatch(/^\/calls\//);
  });

  test("texts of the banner follow each page's language", async () => {
    const { ada, bob, page } = await setup();
    await htmxPost(bob, "/settings", { language: "ru" });
    const bobPage = await page(bob);
    await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    const ring = await bobPage.next("call");
    expect(ring.data.html).toContain("Вам звонит Ada");
    expect(ring.data.html).toContain("Ответить");
    expect(ring.data.html).toContain("Отклонить");
    // An error page in Russian too; the JSON API keeps English.
    const missing = await bob.client.get("/calls/no-such-call");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("Такого звонка нет, или он закончился давно.");
    expect((await api(bob, "GET", "/api/v1/calls/no-such-call")).json().error.message).toBe("There is no such call, or it ended long ago.");
  });

  test("logging out ends that session's live pages at once, and only that session's", async () => {
    const { ada, bob, page, base } = await setup();
    const bobPage = await page(bob);
    // Bob's phone: a second session of the same account, with a page of its own.
    const bobId = t.stores.accounts.findByYoumeetId(bob.youmeetId)!.id;
    const phone = new SessionService(t.stores, () => t.clock.now).create(bobId, "phone");
    const phonePage = await EventStream.open(base, `youmeet_session=${phone.token}`);
    streams.push(phonePage);
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(true);
    expect((await bob.client.post("/auth/logout")).status).toBe(303);
    await expect(bobPage.next("call", () => true, 2000)).rejects.toThrow("the stream ended");
    expect(phonePage.ended).toBe(false);
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0].online).toBe(true);
  });

  test("a page whose session was logged out gets no more calls: its stream ends instead", async () => {
    const { ada, bob, page } = await setup();
    const bobPage = await page(bob);
    expect((await bob.client.post("/auth/logout")).status).toBe(303);
    await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    await expect(bobPage.next("call")).rejects.toThrow("the stream ended");
    expect(bobPage.frames.map((frame) => frame.name)).toEqual(["ready"]);
  });

  test("the call room goes through the rooms service: its limit applies, and a deleted call room is made anew", async () => {
    const { ada, bob, page } = await setup();
    const bobPage = await page(bob);
    const adaId = t.stores.accounts.findByYoumeetId(ada.youmeetId)!.id;
    const first = (await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json();
    await api(ada, "DELETE", `/api/v1/calls/${first.id}`);
    const roomId = first.roomUrl.split("/r/")[1];
    expect((await api(ada, "DELETE", `/api/v1/rooms/${roomId}`)).status).toBe(204);
    expect(countRows(t.db, "call_rooms")).toBe(0);
    for (let i = 0; i < 100; i++) t.stores.rooms.insert({ id: `filler-room-${String(i).padStart(3, "0")}`, ownerId: adaId, name: null, allowGuests: true, createdAt: 0 });
    const refused = await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId });
    expect(refused.status).toBe(403);
    expect(refused.json().error.code).toBe("room.limit_reached");
    t.db.query("DELETE FROM rooms WHERE id LIKE 'filler-room-%'").run();
    const again = (await api(ada, "POST", "/api/v1/calls", { youmeetId: bob.youmeetId })).json();
    expect(again.roomUrl).not.toBe(first.roomUrl);
    // Unnamed: a stored "Ada & Bob" would outlive Bob's account in Ada's room.
    expect(t.stores.rooms.find(again.roomUrl.split("/r/")[1])!.name).toBeNull();
    // Bob's page heard the first call ring and end, then the new one; the refused one never rang.
    const heard = [];
    for (let i = 0; i < 3; i++) {
      const frame = await bobPage.next("call");
      heard.push(`${frame.data.id === first.id ? "first" : frame.data.id === again.id ? "again" : "other"}:${frame.data.state}`);
    }
    expect(heard).toEqual(["first:ringing", "first:cancelled", "again:ringing"]);
  });

  test("one account may hold at most 20 pages open; the 21st stream is refused with a message", async () => {
    const { base, bob, page } = await setup();
    for (let i = 0; i < 20; i++) await page(bob);
    const refused = await fetch(`${base}/events`, { headers: { cookie: bob.cookie, accept: "application/json" } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "events.too_many_pages" });
    // Closing one page frees its place (the server notices the closed connection shortly).
    streams.pop()!.close();
    let reopened: Awaited<ReturnType<typeof page>> | null = null;
    for (let i = 0; i < 50 && !reopened; i++) {
      try {
        reopened = await page(bob);
      } catch {
        await Bun.sleep(20);
      }
    }
    expect(reopened?.pageId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  test("the event stream needs a login", async () => {
    t = await startTestApp(PEOPLE_FLAGS);
    const base = t.listen();
    const answer = await fetch(`${base}/events`, { headers: { accept: "text/event-stream" } });
    expect(answer.status).toBe(401);
    await answer.body?.cancel();
  });
});
