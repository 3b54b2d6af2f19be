import { describe, expect, test } from "bun:test";
import { createHash, createHmac } from "node:crypto";
import {
  MAX_AUTH_AGE_SECONDS,
  MAX_CLOCK_SKEW_SECONDS,
  TELEGRAM_ERROR_MESSAGES,
  type TelegramCheck,
  type TelegramErrorCode,
  regionOf,
  signWebAppInitData,
  signWidgetLogin,
  verifyWebAppInitData,
  verifyWidgetLogin,
} from "../../src/auth/telegram.ts";

// The community vector from notes/telegram.md: signed by a third party, so it checks our
// data-check-string and key derivation against someone else's implementation.
const VECTOR_TOKEN = "777777777:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const VECTOR_AUTH_DATE = 1543194375;
const VECTOR_HASH = "a9cf12636fb07b54b4c95673d017a72364472c41a760b6850bcd5405da769f80";
const VECTOR: Array<[string, string]> = [
  ["id", "666666666"],
  ["first_name", "Some"],
  ["last_name", "Guy"],
  ["username", "my_username"],
  ["photo_url", "https://t.me/i/userpic/320/my_username.jpg"],
  ["auth_date", String(VECTOR_AUTH_DATE)],
  ["hash", VECTOR_HASH],
];
const NOW = VECTOR_AUTH_DATE + 10;
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const OTHER_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

function copy(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.map(([k, v]) => [k, v]);
}

function replace(pairs: Array<[string, string]>, key: string, value: string): Array<[string, string]> {
  return pairs.map(([k, v]) => [k, k === key ? value : v]);
}

function without(pairs: Array<[string, string]>, key: string): Array<[string, string]> {
  return pairs.filter(([k]) => k !== key);
}

function expectCode(check: TelegramCheck, code: TelegramErrorCode): void {
  if (check.ok) throw new Error(`expected ${code}, but the login verified`);
  expect(check.code).toBe(code);
  expect(check.message).toBe(TELEGRAM_ERROR_MESSAGES[code]);
  expect("user" in check).toBe(false);
}

function expectOk(check: TelegramCheck): Extract<TelegramCheck, { ok: true }> {
  if (!check.ok) throw new Error(`expected success, got ${check.code} (${check.field ?? "-"})`);
  return check;
}

/** Widget fields signed with TOKEN at NOW, with overrides (undefined removes a field). */
function widget(overrides: Record<string, string | undefined> = {}): Array<[string, string]> {
  const fields: Record<string, string | undefined> = {
    id: "42424242",
    first_name: "Ada",
    last_name: "Lovelace",
    username: "ada_l",
    photo_url: "https://t.me/i/userpic/320/ada_l.jpg",
    auth_date: String(NOW),
    ...overrides,
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return signWidgetLogin(defined, TOKEN);
}

describe("Login Widget: valid payloads", () => {
  test("the published community vector verifies", () => {
    const check = expectOk(verifyWidgetLogin(copy(VECTOR), VECTOR_TOKEN, NOW));
    expect(check.user).toEqual({
      telegramId: 666666666,
      firstName: "Some",
      lastName: "Guy",
      username: "my_username",
      photoUrl: "https://t.me/i/userpic/320/my_username.jpg",
      languageCode: null,
      region: null,
    });
    expect(check.hash).toBe(VECTOR_HASH);
    expect(check.authDate).toBe(VECTOR_AUTH_DATE);
  });

  test("our signer reproduces the community vector's hash", () => {
    const fields = Object.fromEntries(without(VECTOR, "hash"));
    const signed = signWidgetLogin(fields, VECTOR_TOKEN);
    expect(signed.at(-1)).toEqual(["hash", VECTOR_HASH]);
  });

  test("field order does not matter, and the same payload gives the same hash for the replay store", () => {
    const shuffled = copy(VECTOR).reverse();
    const a = expectOk(verifyWidgetLogin(shuffled, VECTOR_TOKEN, NOW));
    const b = expectOk(verifyWidgetLogin(copy(VECTOR), VECTOR_TOKEN, NOW));
    expect(a.hash).toBe(b.hash);
  });

  test("optional fields may be absent or empty, and become null", () => {
    const check = expectOk(
      verifyWidgetLogin(widget({ last_name: undefined, username: undefined, photo_url: "" }), TOKEN, NOW),
    );
    expect(check.user).toEqual({
      telegramId: 42424242,
      firstName: "Ada",
      lastName: null,
      username: null,
      photoUrl: null,
      languageCode: null,
      region: null,
    });
  });

  test("unicode names (Cyrillic, CJK, emoji with joiners, right-to-left) are accepted as they are", () => {
    const names = ["Дмитрий", "山田", "👩‍💻 Ada", "🦊", "עדה", "Zoë ́"];
    for (const name of names) {
      const check = expectOk(verifyWidgetLogin(widget({ first_name: name, last_name: name }), TOKEN, NOW));
      expect(check.user.firstName).toBe(name);
      expect(check.user.lastName).toBe(name);
    }
  });

  test("unknown new fields are part of the signature but not kept", () => {
    const pairs = widget({ some_new_field: "x" });
    const check = expectOk(verifyWidgetLogin(pairs, TOKEN, NOW));
    expect(Object.keys(check.user).sort()).toEqual(
      ["firstName", "languageCode", "lastName", "photoUrl", "region", "telegramId", "username"],
    );
    // Drop the unknown field: the signature no longer matches, so it was covered.
    expectCode(verifyWidgetLogin(without(pairs, "some_new_field"), TOKEN, NOW), "telegram.bad_hash");
  });

  test("auth_date exactly one hour old and exactly one minute ahead are still accepted", () => {
    expectOk(verifyWidgetLogin(widget(), TOKEN, NOW + MAX_AUTH_AGE_SECONDS));
    expectOk(verifyWidgetLogin(widget(), TOKEN, NOW - MAX_CLOCK_SKEW_SECONDS));
  });

  test("the largest safe id and 4-character usernames pass", () => {
    expectOk(verifyWidgetLogin(widget({ id: String(Number.MAX_SAFE_INTEGER) }), TOKEN, NOW));
    expectOk(verifyWidgetLogin(widget({ username: "abcd" }), TOKEN, NOW));
    expectOk(verifyWidgetLogin(widget({ username: "A".repeat(32) }), TOKEN, NOW));
  });
});

describe("Login Widget: refused payloads", () => {
  test("a changed field breaks the signature", () => {
    expectCode(verifyWidgetLogin(replace(VECTOR, "first_name", "Other"), VECTOR_TOKEN, NOW), "telegram.bad_hash");
    expectCode(verifyWidgetLogin(replace(VECTOR, "id", "1"), VECTOR_TOKEN, NOW), "telegram.bad_hash");
    expectCode(
      verifyWidgetLogin(replace(VECTOR, "auth_date", String(VECTOR_AUTH_DATE + 1)), VECTOR_TOKEN, NOW),
      "telegram.bad_hash",
    );
  });

  test("a field added after signing breaks the signature", () => {
    const pairs = copy(VECTOR);
    pairs.splice(2, 0, ["is_admin", "true"]);
    expectCode(verifyWidgetLogin(pairs, VECTOR_TOKEN, NOW), "telegram.bad_hash");
  });

  test("a removed optional field breaks the signature", () => {
    expectCode(verifyWidgetLogin(without(VECTOR, "photo_url"), VECTOR_TOKEN, NOW), "telegram.bad_hash");
  });

  test("missing hash", () => {
    expectCode(verifyWidgetLogin(without(VECTOR, "hash"), VECTOR_TOKEN, NOW), "telegram.missing_hash");
    expectCode(verifyWidgetLogin([], VECTOR_TOKEN, NOW), "telegram.missing_hash");
  });

  test("wrong bot token", () => {
    expectCode(verifyWidgetLogin(copy(VECTOR), OTHER_TOKEN, NOW), "telegram.bad_hash");
  });

  test("a Mini App signature is not a widget signature (different key)", () => {
    const initData = signWebAppInitData({ id: "42", first_name: "Ada", auth_date: String(NOW) }, TOKEN);
    expectCode(verifyWidgetLogin([...new URLSearchParams(initData)], TOKEN, NOW), "telegram.bad_hash");
  });

  test("expired: more than an hour old", () => {
    expectCode(verifyWidgetLogin(copy(VECTOR), VECTOR_TOKEN, VECTOR_AUTH_DATE + MAX_AUTH_AGE_SECONDS + 1), "telegram.expired");
    expectCode(verifyWidgetLogin(copy(VECTOR), VECTOR_TOKEN, VECTOR_AUTH_DATE + 86400 * 365), "telegram.expired");
  });

  test("from the future: more than a minute ahead", () => {
    expectCode(
      verifyWidgetLogin(copy(VECTOR), VECTOR_TOKEN, VECTOR_AUTH_DATE - MAX_CLOCK_SKEW_SECONDS - 1),
      "telegram.from_future",
    );
  });

  test("non-numeric, non-canonical, negative, zero and unsafe ids", () => {
    for (const id of ["abc", "12a", "-5", "0", "1.5", "1e9", " 42", "042", "0x2a", "9007199254740993", "99999999999999999"]) {
      const check = verifyWidgetLogin(widget({ id }), TOKEN, NOW);
      expectCode(check, "telegram.bad_field");
      if (!check.ok) expect(check.field).toBe("id");
    }
  });

  test("non-numeric or negative auth_date", () => {
    for (const auth_date of ["soon", "-1", "1.5", "", "1e9"]) {
      expectCode(verifyWidgetLogin(widget({ auth_date }), TOKEN, NOW), "telegram.bad_field");
    }
  });

  test("missing id, first_name or auth_date", () => {
    expectCode(verifyWidgetLogin(widget({ id: undefined }), TOKEN, NOW), "telegram.missing_field");
    expectCode(verifyWidgetLogin(widget({ first_name: undefined }), TOKEN, NOW), "telegram.missing_field");
    expectCode(verifyWidgetLogin(widget({ auth_date: undefined }), TOKEN, NOW), "telegram.missing_field");
  });

  test("empty values for required fields and an empty hash", () => {
    expectCode(verifyWidgetLogin(widget({ id: "" }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWidgetLogin(widget({ first_name: "" }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWidgetLogin(replace(VECTOR, "hash", ""), VECTOR_TOKEN, NOW), "telegram.bad_hash");
  });

  test("oversize values", () => {
    expectCode(verifyWidgetLogin(widget({ first_name: "a".repeat(257) }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWidgetLogin(widget({ last_name: "Я".repeat(257) }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWidgetLogin(widget({ photo_url: `https://t.me/${"a".repeat(1020)}` }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWidgetLogin(widget({ something: "x".repeat(513) }), TOKEN, NOW), "telegram.too_large");
    // Oversize values are refused before the signature is even computed.
    expectCode(verifyWidgetLogin(replace(VECTOR, "last_name", "x".repeat(10_000)), VECTOR_TOKEN, NOW), "telegram.too_large");
    // Limits at the edge pass.
    expectOk(verifyWidgetLogin(widget({ first_name: "a".repeat(256) }), TOKEN, NOW));
  });

  test("a whole payload over 4096 bytes", () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 9; i++) extra[`f${i}`] = "x".repeat(500);
    expectCode(verifyWidgetLogin(widget(extra), TOKEN, NOW), "telegram.too_large");
  });

  test("too many fields", () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 30; i++) extra[`f${i}`] = "1";
    expectCode(verifyWidgetLogin(widget(extra), TOKEN, NOW), "telegram.too_large");
    const fewer: Record<string, string> = {};
    for (let i = 0; i < 25; i++) fewer[`f${i}`] = "1";
    expectOk(verifyWidgetLogin(widget(fewer), TOKEN, NOW));
  });

  test("duplicate keys are refused, never resolved to one copy", () => {
    expectCode(verifyWidgetLogin([...copy(VECTOR), ["id", "1"]], VECTOR_TOKEN, NOW), "telegram.duplicate_field");
    expectCode(verifyWidgetLogin([["id", "1"], ...copy(VECTOR)], VECTOR_TOKEN, NOW), "telegram.duplicate_field");
    // Even an identical repeat, and a repeated hash.
    expectCode(verifyWidgetLogin([...copy(VECTOR), ["id", "666666666"]], VECTOR_TOKEN, NOW), "telegram.duplicate_field");
    expectCode(verifyWidgetLogin([...copy(VECTOR), ["hash", VECTOR_HASH]], VECTOR_TOKEN, NOW), "telegram.duplicate_field");
  });

  test("usernames outside Telegram's pattern", () => {
    for (const username of ["abc", "my-name", "my name", "a".repeat(33), "юзер_name", "@ada_l", "ada.l"]) {
      const check = verifyWidgetLogin(widget({ username }), TOKEN, NOW);
      expectCode(check, "telegram.bad_field");
      if (!check.ok) expect(check.field).toBe("username");
    }
  });

  test("control characters and line separators in names", () => {
    for (const name of ["Ada\u0000", "Ada\nid=1", "Ada\r", "\tAda", "Ada\u007f", "Ada\u0085", "Ada\u2028"]) {
      expectCode(verifyWidgetLogin(widget({ first_name: name }), TOKEN, NOW), "telegram.bad_field");
      expectCode(verifyWidgetLogin(widget({ last_name: name }), TOKEN, NOW), "telegram.bad_field");
    }
  });

  test("photo URLs that are not plain https", () => {
    for (const photo_url of [
      "http://t.me/i/userpic/320/a.jpg",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      "//t.me/a.jpg",
      "not a url",
      "https://user:pass@t.me/a.jpg",
      "https://t.me/a\n.jpg",
    ]) {
      expectCode(verifyWidgetLogin(widget({ photo_url }), TOKEN, NOW), "telegram.bad_field");
    }
  });

  test("a hash that is not 64 lowercase hex digits", () => {
    for (const hash of ["z".repeat(64), VECTOR_HASH.toUpperCase(), VECTOR_HASH.slice(0, 63), `${VECTOR_HASH}0`, `${VECTOR_HASH.slice(0, 62)}zz`, "00"]) {
      expectCode(verifyWidgetLogin(replace(VECTOR, "hash", hash), VECTOR_TOKEN, NOW), "telegram.bad_hash");
    }
  });

  test("keys that cannot be Telegram fields", () => {
    expectCode(verifyWidgetLogin([...copy(VECTOR), ["a=b", "1"]], VECTOR_TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWidgetLogin([...copy(VECTOR), ["", "1"]], VECTOR_TOKEN, NOW), "telegram.bad_field");
  });

  test("refusals carry a readable sentence and no details of the input", () => {
    for (const message of Object.values(TELEGRAM_ERROR_MESSAGES)) {
      expect(message).toMatch(/^[A-Z].*\.$/);
    }
    const check = verifyWidgetLogin(replace(VECTOR, "first_name", "Other"), VECTOR_TOKEN, NOW);
    expect(JSON.stringify(check)).not.toContain(VECTOR_HASH);
  });

  test("an empty bot token is a wiring bug, not a login failure", () => {
    expect(() => verifyWidgetLogin(copy(VECTOR), "", NOW)).toThrow();
    expect(() => signWidgetLogin({ id: "1" }, "")).toThrow();
  });
});

/** Mini App user JSON and initData signed with TOKEN at NOW, with overrides. */
const ADA = { id: 42424242, first_name: "Ada", last_name: "Lovelace", username: "ada_l", language_code: "pt-BR", is_premium: true, photo_url: "https://t.me/i/userpic/320/ada.svg" };

function webApp(overrides: Record<string, string | undefined> = {}, user: unknown = ADA): string {
  const fields: Record<string, string | undefined> = {
    query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
    user: typeof user === "string" ? user : JSON.stringify(user),
    auth_date: String(NOW),
    signature: "c2lnbmF0dXJlLWJ5LXRlbGVncmFtLWVkMjU1MTk",
    chat_instance: "-4315186538214578386",
    chat_type: "private",
    ...overrides,
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return signWebAppInitData(defined, TOKEN);
}

function setParam(initData: string, key: string, value: string | null): string {
  const params = new URLSearchParams(initData);
  if (value === null) params.delete(key);
  else params.set(key, value);
  return params.toString();
}

describe("Mini App initData: valid payloads", () => {
  test("the signer follows Telegram's Web App rule, checked by an independent computation", () => {
    const initData = webApp();
    const params = [...new URLSearchParams(initData)];
    const checkString = params
      .filter(([k]) => k !== "hash")
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join("\n");
    expect(checkString).toContain("signature=");
    const secret = createHmac("sha256", "WebAppData").update(TOKEN).digest();
    const expected = createHmac("sha256", secret).update(checkString).digest("hex");
    expect(new URLSearchParams(initData).get("hash")).toBe(expected);
    // And it is not the widget rule.
    const widgetKey = createHash("sha256").update(TOKEN).digest();
    expect(createHmac("sha256", widgetKey).update(checkString).digest("hex")).not.toBe(expected);
  });

  test("a signed initData verifies and yields only the kept fields", () => {
    const check = expectOk(verifyWebAppInitData(webApp(), TOKEN, NOW));
    expect(check.user).toEqual({
      telegramId: 42424242,
      firstName: "Ada",
      lastName: "Lovelace",
      username: "ada_l",
      photoUrl: "https://t.me/i/userpic/320/ada.svg",
      languageCode: "pt-BR",
      region: "BR",
    });
    expect(check.authDate).toBe(NOW);
    expect(check.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("Telegram's escaped slashes and %20 spaces decode as Telegram signed them", () => {
    const user = `{"id":7,"first_name":"Ada Maria","photo_url":"https:\\/\\/t.me\\/i\\/userpic\\/320\\/a.svg","language_code":"ru"}`;
    const fields = { auth_date: String(NOW), user };
    const hashOnly = new URLSearchParams(signWebAppInitData(fields, TOKEN)).get("hash")!;
    const raw = `user=${encodeURIComponent(user)}&auth_date=${NOW}&hash=${hashOnly}`;
    expect(raw).toContain("%20");
    const check = expectOk(verifyWebAppInitData(raw, TOKEN, NOW));
    expect(check.user.firstName).toBe("Ada Maria");
    expect(check.user.photoUrl).toBe("https://t.me/i/userpic/320/a.svg");
    expect(check.user.region).toBeNull();
  });

  test("'+' in a value survives the round trip", () => {
    const check = expectOk(verifyWebAppInitData(webApp({}, { ...ADA, first_name: "A+B" }), TOKEN, NOW));
    expect(check.user.firstName).toBe("A+B");
  });

  test("unicode names are accepted", () => {
    for (const name of ["Дмитрий", "👩‍💻", "山田 太郎", "ⒶⒹⒶ"]) {
      const check = expectOk(verifyWebAppInitData(webApp({}, { ...ADA, first_name: name, last_name: name }), TOKEN, NOW));
      expect(check.user.firstName).toBe(name);
    }
  });

  test("optional user fields may be absent or null", () => {
    const check = expectOk(
      verifyWebAppInitData(webApp({}, { id: 5, first_name: "Ada", last_name: null, username: null }), TOKEN, NOW),
    );
    expect(check.user).toEqual({
      telegramId: 5,
      firstName: "Ada",
      lastName: null,
      username: null,
      photoUrl: null,
      languageCode: null,
      region: null,
    });
  });

  test("unknown fields are signed but not kept", () => {
    const initData = webApp({ start_param: "room_abc", can_send_after: "0" });
    expectOk(verifyWebAppInitData(initData, TOKEN, NOW));
    expectCode(verifyWebAppInitData(setParam(initData, "start_param", null), TOKEN, NOW), "telegram.bad_hash");
  });

  test("only user is needed besides auth_date and hash", () => {
    expectOk(
      verifyWebAppInitData(
        webApp({ query_id: undefined, signature: undefined, chat_instance: undefined, chat_type: undefined }),
        TOKEN,
        NOW,
      ),
    );
  });
});

describe("Mini App initData: refused payloads", () => {
  test("the signature field is part of the check", () => {
    const initData = webApp();
    expectCode(verifyWebAppInitData(setParam(initData, "signature", "Zm9yZ2Vk"), TOKEN, NOW), "telegram.bad_hash");
    expectCode(verifyWebAppInitData(setParam(initData, "signature", null), TOKEN, NOW), "telegram.bad_hash");
    // A hash computed without signature does not verify a payload that carries one.
    const withoutSig = new URLSearchParams(webApp({ signature: undefined })).get("hash")!;
    expectCode(verifyWebAppInitData(setParam(initData, "hash", withoutSig), TOKEN, NOW), "telegram.bad_hash");
  });

  test("tampered user JSON", () => {
    const initData = webApp();
    const user = JSON.parse(new URLSearchParams(initData).get("user")!);
    expectCode(verifyWebAppInitData(setParam(initData, "user", JSON.stringify({ ...user, id: 1 })), TOKEN, NOW), "telegram.bad_hash");
    expectCode(verifyWebAppInitData(setParam(initData, "user", JSON.stringify(user, null, 1)), TOKEN, NOW), "telegram.bad_hash");
  });

  test("a field added after signing", () => {
    expectCode(verifyWebAppInitData(`${webApp()}&is_admin=1`, TOKEN, NOW), "telegram.bad_hash");
  });

  test("wrong bot token", () => {
    expectCode(verifyWebAppInitData(webApp(), OTHER_TOKEN, NOW), "telegram.bad_hash");
  });

  test("a widget signature is not a Mini App signature (different key)", () => {
    const pairs = signWidgetLogin({ user: JSON.stringify(ADA), auth_date: String(NOW) }, TOKEN);
    expectCode(verifyWebAppInitData(new URLSearchParams(pairs).toString(), TOKEN, NOW), "telegram.bad_hash");
  });

  test("missing, empty and malformed hash", () => {
    const initData = webApp();
    expectCode(verifyWebAppInitData(setParam(initData, "hash", null), TOKEN, NOW), "telegram.missing_hash");
    expectCode(verifyWebAppInitData("", TOKEN, NOW), "telegram.missing_hash");
    expectCode(verifyWebAppInitData(setParam(initData, "hash", ""), TOKEN, NOW), "telegram.bad_hash");
    const hash = new URLSearchParams(initData).get("hash")!;
    expectCode(verifyWebAppInitData(setParam(initData, "hash", hash.toUpperCase()), TOKEN, NOW), "telegram.bad_hash");
    expectCode(verifyWebAppInitData(setParam(initData, "hash", "g".repeat(64)), TOKEN, NOW), "telegram.bad_hash");
  });

  test("expired and from the future", () => {
    expectCode(verifyWebAppInitData(webApp(), TOKEN, NOW + MAX_AUTH_AGE_SECONDS + 1), "telegram.expired");
    expectCode(verifyWebAppInitData(webApp(), TOKEN, NOW - MAX_CLOCK_SKEW_SECONDS - 1), "telegram.from_future");
    expectCode(verifyWebAppInitData(webApp({ auth_date: "yesterday" }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWebAppInitData(webApp({ auth_date: undefined }), TOKEN, NOW), "telegram.missing_field");
  });

  test("duplicate keys", () => {
    const initData = webApp();
    expectCode(verifyWebAppInitData(`${initData}&auth_date=${NOW}`, TOKEN, NOW), "telegram.duplicate_field");
    expectCode(verifyWebAppInitData(`user=${encodeURIComponent('{"id":1,"first_name":"X"}')}&${initData}`, TOKEN, NOW), "telegram.duplicate_field");
  });

  test("oversize payload, values and fields", () => {
    expectCode(verifyWebAppInitData(`${webApp()}&pad=${"x".repeat(4096)}`, TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWebAppInitData(webApp({ start_param: "x".repeat(513) }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, first_name: "a".repeat(257) }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, photo_url: `https://t.me/${"a".repeat(1020)}` }), TOKEN, NOW), "telegram.too_large");
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, bio: "b".repeat(2100) }), TOKEN, NOW), "telegram.too_large");
    const many: Record<string, string> = {};
    for (let i = 0; i < 30; i++) many[`f${i}`] = "1";
    expectCode(verifyWebAppInitData(webApp(many), TOKEN, NOW), "telegram.too_large");
  });

  test("missing or malformed user", () => {
    expectCode(verifyWebAppInitData(webApp({ user: undefined }), TOKEN, NOW), "telegram.missing_field");
    for (const user of ["{", "", "null", "[1,2]", "42", '"Ada"', "{'id':1}"]) {
      const check = verifyWebAppInitData(webApp({}, user), TOKEN, NOW);
      expectCode(check, "telegram.bad_field");
      if (!check.ok) expect(check.field).toBe("user");
    }
  });

  test("missing or bad user id", () => {
    expectCode(verifyWebAppInitData(webApp({}, { first_name: "Ada" }), TOKEN, NOW), "telegram.missing_field");
    for (const id of ["42", 0, -1, 1.5, 2 ** 53, true, {}]) {
      const check = verifyWebAppInitData(webApp({}, { ...ADA, id }), TOKEN, NOW);
      expectCode(check, "telegram.bad_field");
      if (!check.ok) expect(check.field).toBe("id");
    }
  });

  test("missing, empty or non-string first name", () => {
    expectCode(verifyWebAppInitData(webApp({}, { id: 1 }), TOKEN, NOW), "telegram.missing_field");
    expectCode(verifyWebAppInitData(webApp({}, { id: 1, first_name: "" }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWebAppInitData(webApp({}, { id: 1, first_name: 7 }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWebAppInitData(webApp({}, { id: 1, first_name: ["Ada"] }), TOKEN, NOW), "telegram.bad_field");
  });

  test("control characters and lone surrogates in names", () => {
    for (const name of ["Ada\u0000", "Ada\n", "Ada\u001b[31m", "\ud800Ada"]) {
      expectCode(verifyWebAppInitData(webApp({}, { ...ADA, last_name: name }), TOKEN, NOW), "telegram.bad_field");
    }
  });

  test("bad username, photo URL and language code", () => {
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, username: "a-b" }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, username: 12345 }), TOKEN, NOW), "telegram.bad_field");
    expectCode(verifyWebAppInitData(webApp({}, { ...ADA, photo_url: "http://t.me/a.svg" }), TOKEN, NOW), "telegram.bad_field");
    for (const language_code of ["english!", "e", "en--US", "en-US-".concat("x".repeat(30)), "ру", "en US", 5]) {
      const check = verifyWebAppInitData(webApp({}, { ...ADA, language_code }), TOKEN, NOW);
      expectCode(check, "telegram.bad_field");
      if (!check.ok) expect(check.field).toBe("language_code");
    }
  });
});

describe("regionOf", () => {
  test("takes the region subtag when there is one", () => {
    const cases: Array<[string | null, string | null]> = [
      ["pt-BR", "BR"],
      ["pt-br", "BR"],
      ["en_US", "US"],
      ["zh-Hant-TW", "TW"],
      ["es-419", "419"],
      ["en-US-x-twain", "US"],
      ["zh-yue-HK", "HK"],
      ["en", null],
      ["ru", null],
      ["sr-Latn", null],
      ["de-1996", null],
      ["x-private", null],
      ["", null],
      [null, null],
    ];
    for (const [code, region] of cases) expect([code, regionOf(code)]).toEqual([code, region]);
  });
});
