import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, htmxPost, loginPerson, PEOPLE_FLAGS, type Person } from "../helpers/people.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

// Real servers and streams: more than bun's default 5 s when the machine is busy.
setDefaultTimeout(30_000);

let t: TestApp;
afterEach(() => t?.close());

async function setup() {
  t = await startTestApp(PEOPLE_FLAGS);
  const ada = await loginPerson(t, "Ada", "ada_l");
  const bob = await loginPerson(t, "Bob", "Bob_B");
  return { ada, bob };
}

/** The contacts rows as stored, to prove a refusal changed nothing. */
function contactRows() {
  return t.db.query("SELECT owner_id, contact_id, created_at FROM contacts ORDER BY owner_id, contact_id").all();
}

/** What a person would type for this ID: upper case, spaces instead of dashes, or none at all. */
function typedForms(id: string): string[] {
  return [id.toUpperCase(), ` ${id.replace(/-/g, " ")} `, id.replace(/-/g, ""), id.replace(/-/g, "- -")];
}

describe("adding contacts", () => {
  test("by youmeet ID as a person types it, from the dashboard form; the list shows name, username, ID and presence", async () => {
    const { ada, bob } = await setup();
    for (const typed of typedForms(bob.youmeetId)) {
      const answer = await htmxPost(ada, "/contacts", { contact: typed });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain("Bob was added to your contacts.");
      expect(answer.text).toContain(`<code>${bob.youmeetId}</code>`);
      expect(answer.text).toContain("@Bob_B");
      expect(answer.text).toContain("Not online");
      expect(countRows(t.db, "contacts")).toBe(1);
      expect((await api(ada, "DELETE", `/api/v1/contacts/${bob.youmeetId}`)).status).toBe(204);
    }
  });

  test("a plain form post (no script) adds and redirects to the dashboard, which lists the contact with Call and Remove", async () => {
    const { ada, bob } = await setup();
    const answer = await ada.client.post("/contacts", { contact: bob.youmeetId });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/dashboard");
    const dashboard = await ada.client.get("/dashboard");
    expect(dashboard.text).toContain('id="contacts"');
    expect(dashboard.text).toContain(`data-youmeet-id="${bob.youmeetId}"`);
    expect(dashboard.text).toContain('action="/calls"');
    expect(dashboard.text).toContain(`action="/contacts/${bob.youmeetId}/delete"`);
    expect(dashboard.text).toContain("Call");
    expect(dashboard.text).toContain("Remove");
  });

  test("by @username in any case, with or without the @, from the form and the JSON API", async () => {
    const { ada, bob } = await setup();
    const cleo = await loginPerson(t, "Cleo", "cleo_c");
    expect((await htmxPost(ada, "/contacts", { contact: "@bob_b" })).text).toContain("Bob was added to your contacts.");
    expect((await htmxPost(ada, "/contacts", { contact: "CLEO_C" })).text).toContain("Cleo was added to your contacts.");
    const viaApi = await api(bob, "POST", "/api/v1/contacts", { username: "@Ada_L" });
    expect(viaApi.status).toBe(201);
    expect(viaApi.json()).toMatchObject({ youmeetId: ada.youmeetId, name: "Ada", username: "ada_l", online: false, photoUrl: null });
    const list = (await api(ada, "GET", "/api/v1/contacts")).json().contacts;
    expect(list.map((c: { name: string }) => c.name)).toEqual(["Bob", "Cleo"]);
    expect(list[0]).toMatchObject({ youmeetId: bob.youmeetId, username: "Bob_B" });
    expect(cleo.youmeetId).toBe(list[1].youmeetId);
  });

  test("a contact with a Telegram photo is listed with it", async () => {
    const { ada } = await setup();
    const dan = await loginPerson(t, "Dan", "dan_d", "https://t.me/i/userpic/320/dan_d.jpg");
    await api(ada, "POST", "/api/v1/contacts", { username: "dan_d" });
    expect((await ada.client.get("/dashboard")).text).toContain('<img class="avatar small" src="https://t.me/i/userpic/320/dan_d.jpg"');
    expect((await api(ada, "GET", "/api/v1/contacts")).json().contacts[0]).toMatchObject({ youmeetId: dan.youmeetId, photoUrl: "https://t.me/i/userpic/320/dan_d.jpg" });
  });

  test("nine letters typed without @ are a youmeet ID first, and a username when nobody has that ID", async () => {
    const { ada } = await setup();
    await loginPerson(t, "Brad", "bradsmyth");
    expect((await htmxPost(ada, "/contacts", { contact: "BradSmyth" })).text).toContain("Brad was added to your contacts.");
  });

  test("contacts are one-way: Ada adding Bob does not put Ada in Bob's list", async () => {
    const { ada, bob } = await setup();
    await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    expect((await api(bob, "GET", "/api/v1/contacts")).json().contacts).toEqual([]);
  });

  test("every bad input answers its message and changes nothing, on the page, without scripts, and in JSON", async () => {
    const { ada, bob } = await setup();
    await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    const before = contactRows();
    const typed: Array<[string, number, string]> = [
      ["   ", 400, "Enter a youmeet ID (like k7m-p3q-x9z) or a Telegram @username."],
      ["abc", 400, '"abc" is not a youmeet ID: one has nine letters and digits, like k7m-p3q-x9z.'],
      ["k7m-p3q-x9", 400, "is not a youmeet ID"],
      ["ooo-lll-iii", 400, "is not a youmeet ID"],
      ["@a!", 400, '"@a!" is not a Telegram username: one has 4 to 32 letters, digits or underscores.'],
      ["zzz-zzz-zzz", 404, "Nobody here has the youmeet ID zzz-zzz-zzz."],
      ["@nobody_here", 404, "Nobody with the username @nobody_here has logged in here."],
      [ada.youmeetId, 400, "That is you: add someone else's youmeet ID or username."],
      ["@ADA_L", 400, "That is you"],
      [bob.youmeetId.toUpperCase(), 409, "Bob is already in your contacts."],
      ["@bob_b", 409, "Bob is already in your contacts."],
    ];
    for (const [input, status, message] of typed) {
      const htmx = await htmxPost(ada, "/contacts", { contact: input });
      expect(htmx.status).toBe(status);
      expect(htmx.text).toContain(message.replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
      expect(htmx.text).toContain('role="alert"');
      expect(htmx.text).not.toContain("<!doctype html>");
      const plain = await ada.client.post("/contacts", { contact: input });
      expect(plain.status).toBe(status);
      expect(plain.text).toContain("<!doctype html>");
      expect(plain.text).toContain('id="contacts"');
      expect(plain.text).toContain(message.replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
    }
    const json: Array<[unknown, number, string, string]> = [
      [{}, 400, "contact.bad_request", "Send exactly one of youmeetId or username."],
      [{ youmeetId: bob.youmeetId, username: "bob_b" }, 400, "contact.bad_request", "Send exactly one of youmeetId or username."],
      [{ youmeetId: "abc" }, 400, "contact.bad_id", "is not a youmeet ID"],
      [{ youmeetId: 7 }, 400, "request.invalid", "youmeetId"],
      [{ username: "x".repeat(65) }, 400, "request.invalid", "username"],
      [{ username: "a b" }, 400, "contact.bad_username", "is not a Telegram username"],
      [{ youmeetId: "zzz-zzz-zzz" }, 404, "contact.unknown_id", "Nobody here has the youmeet ID zzz-zzz-zzz."],
      [{ username: "nobody_here" }, 404, "contact.unknown_username", "Nobody with the username @nobody_here has logged in here."],
      [{ youmeetId: ada.youmeetId }, 400, "contact.self", "That is you"],
      [{ youmeetId: bob.youmeetId }, 409, "contact.duplicate", "Bob is already in your contacts."],
    ];
    for (const [body, status, code, message] of json) {
      const answer = await api(ada, "POST", "/api/v1/contacts", body);
      expect(answer.status).toBe(status);
      expect(answer.json().error.code).toBe(code);
      expect(answer.json().error.message).toContain(message);
    }
    const notJson = await ada.client.send("POST", "/api/v1/contacts", {
      body: "{not json",
      headers: { "content-type": "application/json", "x-csrf-token": ada.client.csrfToken },
    });
    expect(notJson.status).toBe(400);
    expect(contactRows()).toEqual(before);
  });

  test("what was typed stays in the field after a refusal, escaped", async () => {
    const { ada } = await setup();
    const answer = await htmxPost(ada, "/contacts", { contact: '"><b>x' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('value="&quot;&gt;&lt;b&gt;x"');
    expect(answer.text).not.toContain("<b>x");
  });

  test("refusals are in the visitor's language", async () => {
    const { ada, bob } = await setup();
    await htmxPost(ada, "/settings", { language: "ru" });
    expect((await htmxPost(ada, "/contacts", { contact: "zzz-zzz-zzz" })).text).toContain("Ни у кого здесь нет youmeet ID zzz-zzz-zzz.");
    expect((await htmxPost(ada, "/contacts", { contact: bob.youmeetId })).text).toContain("Bob теперь в ваших контактах.");
    expect((await htmxPost(ada, "/contacts", { contact: bob.youmeetId })).text).toContain("Bob уже в ваших контактах.");
    const dashboard = await ada.client.get("/dashboard");
    expect(dashboard.text).toContain("Контакты");
    expect(dashboard.text).toContain("Позвонить");
    // The JSON API keeps its stable English messages.
    expect((await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId })).json().error.message).toBe("Bob is already in your contacts.");
  });

  test("adding is rate-limited (each try looks someone up): the 61st try in a minute is refused", async () => {
    const { ada, bob } = await setup();
    for (let i = 0; i < 60; i++) expect((await api(ada, "POST", "/api/v1/contacts", { username: `nobody_${i}` })).status).toBe(404);
    const refused = await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({ code: "contact.rate_limited", message: "You tried to add 60 contacts in the last minute; wait a little." });
    const onPage = await htmxPost(ada, "/contacts", { contact: bob.youmeetId });
    expect(onPage.status).toBe(403);
    expect(onPage.text).toContain("You tried to add 60 contacts in the last minute; wait a little.");
    expect(countRows(t.db, "contacts")).toBe(0);
    t.clock.now += 60_000;
    expect((await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId })).status).toBe(201);
  });

  test("a contact limit keeps one account from growing without bound", async () => {
    const { ada, bob } = await setup();
    const adaId = t.stores.accounts.findByYoumeetId(ada.youmeetId)!.id;
    const insert = t.db.query("INSERT INTO accounts (youmeet_id, telegram_id, first_name, created_at, updated_at, last_seen_at) VALUES (?, ?, ?, 0, 0, 0) RETURNING id");
    const link = t.db.query("INSERT INTO contacts (owner_id, contact_id, created_at) VALUES (?, ?, 0)");
    t.db.transaction(() => {
      for (let i = 0; i < 500; i++) {
        const row = insert.get(`x${String(i).padStart(2, "0")}-aaa-aaa`.replace(/\d/g, (d) => "abcdefghjk"[Number(d)]!), 900000 + i, `P${i}`) as { id: number };
        link.run(adaId, row.id);
      }
    })();
    const refused = await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({ code: "contact.limit_reached" });
    expect(refused.json().error.message).toContain("500 contacts");
    expect(t.stores.contacts.count(adaId)).toBe(500);
  });
});

describe("removing contacts", () => {
  async function withContact(): Promise<{ ada: Person; bob: Person }> {
    const people = await setup();
    await api(people.ada, "POST", "/api/v1/contacts", { youmeetId: people.bob.youmeetId });
    return people;
  }

  test("Remove on the dashboard (htmx and plain) and DELETE in JSON take the contact out", async () => {
    const { ada, bob } = await withContact();
    const htmx = await htmxPost(ada, `/contacts/${bob.youmeetId}/delete`);
    expect(htmx.status).toBe(200);
    expect(htmx.text).toContain("Removed from your contacts.");
    expect(htmx.text).toContain("No contacts yet.");
    expect(countRows(t.db, "contacts")).toBe(0);

    await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    const plain = await ada.client.post(`/contacts/${bob.youmeetId}/delete`);
    expect(plain.status).toBe(303);
    expect(countRows(t.db, "contacts")).toBe(0);

    await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    const viaApi = await api(ada, "DELETE", `/api/v1/contacts/${bob.youmeetId.toUpperCase().replace(/-/g, "")}`);
    expect(viaApi.status).toBe(204);
    expect(countRows(t.db, "contacts")).toBe(0);
  });

  test("removing someone who is not a contact, or a malformed ID, answers its message and changes nothing", async () => {
    const { ada, bob } = await withContact();
    const cleo = await loginPerson(t, "Cleo");
    const before = contactRows();
    for (const [id, status, message] of [
      [cleo.youmeetId, 404, `${cleo.youmeetId} is not in your contacts.`],
      ["zzz-zzz-zzz", 404, "zzz-zzz-zzz is not in your contacts."],
      ["nope", 400, "is not a youmeet ID"],
    ] as const) {
      const htmx = await htmxPost(ada, `/contacts/${id}/delete`);
      expect(htmx.status).toBe(status);
      expect(htmx.text).toContain(message);
      const viaApi = await api(ada, "DELETE", `/api/v1/contacts/${id}`);
      expect(viaApi.status).toBe(status);
      expect(viaApi.json().error.message).toContain(message);
    }
    // Bob cannot remove Ada's contact of him: it is not his row.
    expect((await api(bob, "DELETE", `/api/v1/contacts/${bob.youmeetId}`)).status).toBe(404);
    expect(contactRows()).toEqual(before);
  });

  test("deleting an account takes its contacts with it, both ways", async () => {
    const { ada, bob } = await withContact();
    await api(bob, "POST", "/api/v1/contacts", { youmeetId: ada.youmeetId });
    t.db.query("DELETE FROM accounts WHERE youmeet_id = ?").run(bob.youmeetId);
    expect(countRows(t.db, "contacts")).toBe(0);
  });
});

describe("the contacts section and who may call", () => {
  test("needs a login: pages go to /login, the API answers 401", async () => {
    t = await startTestApp(PEOPLE_FLAGS);
    const visitor = t.client();
    expect((await visitor.get("/contacts/list")).headers.get("location")).toBe("/login");
    await visitor.get("/login");
    expect((await visitor.post("/contacts", { contact: "k7m-p3q-x9z" })).headers.get("location")).toBe("/login");
    const answer = await visitor.send("POST", "/api/v1/contacts", { json: { youmeetId: "k7m-p3q-x9z" }, headers: { "x-csrf-token": visitor.csrfToken } });
    expect(answer.status).toBe(401);
    expect((await visitor.get("/api/v1/contacts")).status).toBe(401);
    expect(countRows(t.db, "contacts")).toBe(0);
  });

  test("a form without the page's token is refused and adds nothing", async () => {
    const { ada, bob } = await setup();
    const answer = await ada.client.post("/contacts", { contact: bob.youmeetId, _csrf: "forged" });
    expect(answer.status).toBe(403);
    expect(countRows(t.db, "contacts")).toBe(0);
  });

  test("the list fragment refreshes presence; the setting defaults to contacts only and refuses a made-up choice", async () => {
    const { ada, bob } = await setup();
    await api(ada, "POST", "/api/v1/contacts", { youmeetId: bob.youmeetId });
    const list = await ada.client.get("/contacts/list", { "hx-request": "true" });
    expect(list.text).toContain('hx-trigger="every 15s"');
    expect(list.text).toContain("Bob");

    const settings = await bob.client.get("/settings");
    expect(settings.text).toContain("Who may call you");
    expect(settings.text).toContain('value="contacts" checked');
    const bad = await htmxPost(bob, "/settings/calls", { from: "everyone" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("&quot;everyone&quot; is not a choice here");
    expect(countRows(t.db, "call_settings")).toBe(0);
    const plain = await bob.client.post("/settings/calls", { from: "anyone" });
    expect(plain.status).toBe(303);
    expect((await bob.client.get("/settings")).text).toContain('value="anyone" checked');
    expect(t.stores.calls.acceptsCallsFromAnyone(t.stores.accounts.findByYoumeetId(bob.youmeetId)!.id)).toBe(true);
  });
});
