/**
 * Telegram login verification: the Login Widget redirect and Mini App (Web App) initData.
 *
 * Pure functions over strings: no database, no HTTP, no environment. The caller supplies the
 * bot token and the clock, and keeps the returned `hash` to refuse replays (a verified hash
 * identifies one signed payload, since duplicate keys are refused and order does not count).
 *
 * Order of checks: sizes and shape first (cheap, and nothing large reaches the HMAC), then the
 * signature, and only then the meaning of the fields, so that nothing unsigned is interpreted.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Oldest `auth_date` accepted: a login link is a bearer credential, so it must go stale. */
export const MAX_AUTH_AGE_SECONDS = 3600;
/** How far in the future `auth_date` may be, for clock drift between Telegram and us. */
export const MAX_CLOCK_SKEW_SECONDS = 60;
/** Largest payload accepted (real ones are well under 1 KiB). */
export const MAX_PAYLOAD_BYTES = 4096;
/** Most fields accepted (Telegram sends about a dozen at most). */
export const MAX_FIELDS = 32;

const MAX_VALUE_CHARS = 512;
const MAX_NAME_CHARS = 256;
const MAX_PHOTO_URL_CHARS = 1024;
const MAX_LANGUAGE_CODE_CHARS = 35;
/** Mini App JSON fields carry a whole object (names, photo URL with escaped slashes). */
const MAX_JSON_VALUE_CHARS = 2048;
const VALUE_LIMITS: Readonly<Record<string, number>> = {
  first_name: MAX_NAME_CHARS,
  last_name: MAX_NAME_CHARS,
  username: MAX_NAME_CHARS,
  photo_url: MAX_PHOTO_URL_CHARS,
  user: MAX_JSON_VALUE_CHARS,
  receiver: MAX_JSON_VALUE_CHARS,
  chat: MAX_JSON_VALUE_CHARS,
};

/** Telegram's field names are snake_case; anything else cannot be a real field. */
const KEY_PATTERN = /^[A-Za-z0-9_]{1,64}$/;
/** Telegram sends lowercase hex; accepting other spellings would let one login pass twice. */
const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Canonical positive decimal, so "007" and "7" cannot both name one account. */
const ID_PATTERN = /^[1-9][0-9]{0,15}$/;
const AUTH_DATE_PATTERN = /^(0|[1-9][0-9]{0,11})$/;
const USERNAME_PATTERN = /^[A-Za-z0-9_]{4,32}$/;
const LANGUAGE_CODE_PATTERN = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;
/** Control characters and line separators: they break logs, headers and layouts. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\u2028\u2029]/u;

/** The profile Telegram lets us see; the only Telegram data youmeet keeps. */
export interface TelegramUser {
  telegramId: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  photoUrl: string | null;
  languageCode: string | null;
  region: string | null;
}

/** Stable codes for every way a Telegram login can be refused. */
export type TelegramErrorCode =
  | "telegram.missing_hash"
  | "telegram.bad_hash"
  | "telegram.expired"
  | "telegram.from_future"
  | "telegram.missing_field"
  | "telegram.bad_field"
  | "telegram.duplicate_field"
  | "telegram.too_large";

/** The outcome of a check; `field` names the offending field (never its value) for logs. */
export type TelegramCheck =
  | { ok: true; user: TelegramUser; hash: string; authDate: number }
  | { ok: false; code: TelegramErrorCode; message: string; field?: string };

type Failure = Extract<TelegramCheck, { ok: false }>;

/** One plain sentence per code, for the person who tried to log in. */
export const TELEGRAM_ERROR_MESSAGES: Readonly<Record<TelegramErrorCode, string>> = {
  "telegram.missing_hash": "This Telegram login has no signature; please log in again through Telegram.",
  "telegram.bad_hash": "This Telegram login could not be verified; please log in again through Telegram.",
  "telegram.expired": "This Telegram login link has expired; please log in again.",
  "telegram.from_future":
    "This Telegram login is dated in the future, so this server's clock may be wrong; please try again in a minute.",
  "telegram.missing_field": "This Telegram login lacks your account details; please log in again through Telegram.",
  "telegram.bad_field": "This Telegram login contains details that youmeet cannot accept.",
  "telegram.duplicate_field": "This Telegram login repeats a field, so it cannot be trusted; please log in again.",
  "telegram.too_large": "This Telegram login is larger than any real one; please log in again through Telegram.",
};

function fail(code: TelegramErrorCode, field?: string): Failure {
  return field === undefined
    ? { ok: false, code, message: TELEGRAM_ERROR_MESSAGES[code] }
    : { ok: false, code, message: TELEGRAM_ERROR_MESSAGES[code], field };
}

function isFailure(value: unknown): value is Failure {
  return typeof value === "object" && value !== null && (value as { ok?: unknown }).ok === false;
}

// ---------------------------------------------------------------------------------------------
// Signing primitives, shared by the verifiers and the signers so both follow one definition.

/** An empty token would make the secret public knowledge: a wiring bug, so fail loudly. */
function requireToken(botToken: string): void {
  if (typeof botToken !== "string" || botToken.length === 0) {
    throw new TypeError("Telegram bot token must be a non-empty string");
  }
}

function widgetSecret(botToken: string): Buffer {
  return createHash("sha256").update(botToken, "utf8").digest();
}

function webAppSecret(botToken: string): Buffer {
  return createHmac("sha256", "WebAppData").update(botToken, "utf8").digest();
}

/** Every field but `hash`, `key=value`, sorted by key (code-unit order, as Telegram's), `\n`-joined. */
function dataCheckString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .filter(([key]) => key !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

function signatureOf(secret: Buffer, pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  return createHmac("sha256", secret).update(dataCheckString(pairs), "utf8").digest();
}

// ---------------------------------------------------------------------------------------------
// The common envelope: limits, duplicates, hash, freshness.

interface Envelope {
  fields: Map<string, string>;
  hash: string;
  authDate: number;
}

function checkEnvelope(pairs: ReadonlyArray<readonly [string, string]>, secret: Buffer, nowSeconds: number): Envelope | Failure {
  if (!Number.isFinite(nowSeconds)) throw new TypeError("nowSeconds must be a finite number");
  if (pairs.length > MAX_FIELDS) return fail("telegram.too_large");
  let bytes = 0;
  for (const [key, value] of pairs) bytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
  if (bytes > MAX_PAYLOAD_BYTES) return fail("telegram.too_large");

  const fields = new Map<string, string>();
  for (const [key, value] of pairs) {
    if (!KEY_PATTERN.test(key)) return fail("telegram.bad_field", "(key)");
    if (value.length > (VALUE_LIMITS[key] ?? MAX_VALUE_CHARS)) return fail("telegram.too_large", key);
    // Refuse rather than pick one: which copy a framework keeps differs from which was signed.
    if (fields.has(key)) return fail("telegram.duplicate_field", key);
    fields.set(key, value);
  }

  const hash = fields.get("hash");
  if (hash === undefined) return fail("telegram.missing_hash");
  if (!HASH_PATTERN.test(hash)) return fail("telegram.bad_hash");
  // Both sides are 32 bytes here, as timingSafeEqual requires; the comparison leaks no prefix.
  if (!timingSafeEqual(signatureOf(secret, pairs), Buffer.from(hash, "hex"))) return fail("telegram.bad_hash");

  const rawDate = fields.get("auth_date");
  if (rawDate === undefined) return fail("telegram.missing_field", "auth_date");
  if (!AUTH_DATE_PATTERN.test(rawDate)) return fail("telegram.bad_field", "auth_date");
  const authDate = Number(rawDate);
  if (nowSeconds - authDate > MAX_AUTH_AGE_SECONDS) return fail("telegram.expired");
  if (authDate - nowSeconds > MAX_CLOCK_SKEW_SECONDS) return fail("telegram.from_future");
  return { fields, hash, authDate };
}

// ---------------------------------------------------------------------------------------------
// Field rules, shared by both formats (the widget gives strings, the Mini App gives JSON).

type Raw = unknown;

function nameField(value: Raw, field: string, required: boolean): string | null | Failure {
  if (value === undefined || value === null) return required ? fail("telegram.missing_field", field) : null;
  if (typeof value !== "string") return fail("telegram.bad_field", field);
  if (value.length === 0) return required ? fail("telegram.bad_field", field) : null;
  if (value.length > MAX_NAME_CHARS) return fail("telegram.too_large", field);
  // Any script and emoji are fine; lone surrogates (only reachable through JSON escapes) are not text.
  if (UNSAFE_NAME_CHARS.test(value) || !value.isWellFormed()) return fail("telegram.bad_field", field);
  return value;
}

function usernameField(value: Raw): string | null | Failure {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || !USERNAME_PATTERN.test(value)) return fail("telegram.bad_field", "username");
  return value;
}

/** Only https: the URL ends up in an <img src>, and nothing else belongs there. */
function photoUrlField(value: Raw): string | null | Failure {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") return fail("telegram.bad_field", "photo_url");
  if (value.length > MAX_PHOTO_URL_CHARS) return fail("telegram.too_large", "photo_url");
  // URL parsing silently drops tabs and newlines, so look at the raw text first.
  if (/[\p{Cc}\s]/u.test(value)) return fail("telegram.bad_field", "photo_url");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("telegram.bad_field", "photo_url");
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.hostname === "") {
    return fail("telegram.bad_field", "photo_url");
  }
  return value;
}

function languageCodeField(value: Raw): string | null | Failure {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") return fail("telegram.bad_field", "language_code");
  if (value.length > MAX_LANGUAGE_CODE_CHARS || !LANGUAGE_CODE_PATTERN.test(value)) {
    return fail("telegram.bad_field", "language_code");
  }
  return value;
}

interface RawUser {
  id: number;
  firstName: Raw;
  lastName: Raw;
  username: Raw;
  photoUrl: Raw;
  languageCode: Raw;
}

function buildUser(raw: RawUser): TelegramUser | Failure {
  const firstName = nameField(raw.firstName, "first_name", true);
  if (isFailure(firstName)) return firstName;
  const lastName = nameField(raw.lastName, "last_name", false);
  if (isFailure(lastName)) return lastName;
  const username = usernameField(raw.username);
  if (isFailure(username)) return username;
  const photoUrl = photoUrlField(raw.photoUrl);
  if (isFailure(photoUrl)) return photoUrl;
  const languageCode = languageCodeField(raw.languageCode);
  if (isFailure(languageCode)) return languageCode;
  return {
    telegramId: raw.id,
    firstName: firstName as string,
    lastName,
    username,
    photoUrl,
    languageCode,
    region: regionOf(languageCode),
  };
}

// ---------------------------------------------------------------------------------------------
// The two formats.

/** Verifies Login Widget redirect data (the query string pairs). */
export function verifyWidgetLogin(pairs: Array<[string, string]>, botToken: string, nowSeconds: number): TelegramCheck {
  requireToken(botToken);
  const envelope = checkEnvelope(pairs, widgetSecret(botToken), nowSeconds);
  if (isFailure(envelope)) return envelope;
  const { fields } = envelope;

  const rawId = fields.get("id");
  if (rawId === undefined) return fail("telegram.missing_field", "id");
  const id = Number(rawId);
  if (!ID_PATTERN.test(rawId) || !Number.isSafeInteger(id)) return fail("telegram.bad_field", "id");

  const user = buildUser({
    id,
    firstName: fields.get("first_name"),
    lastName: fields.get("last_name"),
    username: fields.get("username"),
    photoUrl: fields.get("photo_url"),
    languageCode: undefined, // the widget never says; the Mini App does
  });
  if (isFailure(user)) return user;
  return { ok: true, user, hash: envelope.hash, authDate: envelope.authDate };
}

/** Verifies Mini App initData (the raw URL-encoded string). */
export function verifyWebAppInitData(initData: string, botToken: string, nowSeconds: number): TelegramCheck {
  requireToken(botToken);
  if (typeof initData !== "string" || Buffer.byteLength(initData) > MAX_PAYLOAD_BYTES) return fail("telegram.too_large");
  // URLSearchParams decodes exactly as Telegram's own examples do (percent and '+'), keeping duplicates.
  const pairs = [...new URLSearchParams(initData)];
  const envelope = checkEnvelope(pairs, webAppSecret(botToken), nowSeconds);
  if (isFailure(envelope)) return envelope;

  const rawUser = envelope.fields.get("user");
  if (rawUser === undefined) return fail("telegram.missing_field", "user");
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawUser);
  } catch {
    return fail("telegram.bad_field", "user");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail("telegram.bad_field", "user");
  const u = parsed as Record<string, unknown>;

  if (u.id === undefined || u.id === null) return fail("telegram.missing_field", "id");
  if (typeof u.id !== "number" || !Number.isSafeInteger(u.id) || u.id <= 0) return fail("telegram.bad_field", "id");

  const user = buildUser({
    id: u.id,
    firstName: u.first_name,
    lastName: u.last_name,
    username: u.username,
    photoUrl: u.photo_url,
    languageCode: u.language_code,
  });
  if (isFailure(user)) return user;
  return { ok: true, user, hash: envelope.hash, authDate: envelope.authDate };
}

/** Signs widget fields like Telegram does (dev login with a throwaway token, and tests); returns the pairs with hash. */
export function signWidgetLogin(fields: Record<string, string>, botToken: string): Array<[string, string]> {
  requireToken(botToken);
  if ("hash" in fields) throw new TypeError("fields to sign must not contain hash");
  const pairs = Object.entries(fields);
  return [...pairs, ["hash", signatureOf(widgetSecret(botToken), pairs).toString("hex")]];
}

/** Signs Mini App initData like Telegram does (tests); returns the URL-encoded string. */
export function signWebAppInitData(fields: Record<string, string>, botToken: string): string {
  requireToken(botToken);
  if ("hash" in fields) throw new TypeError("fields to sign must not contain hash");
  const pairs = Object.entries(fields);
  const hash = signatureOf(webAppSecret(botToken), pairs).toString("hex");
  return new URLSearchParams([...pairs, ["hash", hash]]).toString();
}

/** Region subtag of a language code ("pt-BR" -> "BR"; "es-419" -> "419"; "en" -> null). */
export function regionOf(languageCode: string | null): string | null {
  if (!languageCode) return null;
  const parts = languageCode.split(/[-_]/);
  // BCP 47: language, up to three extlangs, an optional script, then the region.
  if (!/^[A-Za-z]{2,8}$/.test(parts[0] ?? "")) return null;
  let i = 1;
  for (let n = 0; n < 3 && /^[A-Za-z]{3}$/.test(parts[i] ?? ""); n++) i++;
  if (/^[A-Za-z]{4}$/.test(parts[i] ?? "")) i++;
  const region = parts[i] ?? "";
  if (/^[A-Za-z]{2}$/.test(region)) return region.toUpperCase();
  if (/^[0-9]{3}$/.test(region)) return region;
  return null;
}
