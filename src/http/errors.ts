import { isMessageKey } from "../../views/i18n/index.ts";
import { errorFragment, errorPage } from "../../views/pages/error.ts";
import { DomainError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { htmlResponse, jsonResponse } from "./respond.ts";
import type { Visit } from "./visit.ts";

/** A refusal made by the HTTP layer itself (CSRF, rate limit, body size, not found). */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpRefusal";
  }
}

/** The HTTP status of each kind of domain error. */
export const STATUS_OF_KIND: Record<DomainError["kind"], number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  limit_reached: 403,
  conflict: 409,
};

interface Mapped {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

/**
 * The one place errors become answers: JSON `{error:{code,message}}` under /api, an htmx
 * fragment for htmx, a full page otherwise. Unknown errors are logged with detail once,
 * and the user sees a short sentence with the request id.
 */
export function errorResponse(error: unknown, visit: Visit, logger: Logger): Response {
  const mapped = mapError(error, visit, logger);
  if (wantsJson(visit.request)) {
    return jsonResponse(
      { error: { code: mapped.code, message: mapped.message, requestId: visit.requestId } },
      mapped.status,
      mapped.headers,
    );
  }
  const ctx = visit.pageContext();
  // Pages speak the visitor's language where the refusal has a text; the JSON API stays English.
  const message = error instanceof DomainError ? refusalText(visit, error) : mapped.message;
  const content = { title: titleFor(mapped.status, visit), message };
  return htmlResponse(visit.isHtmx ? errorFragment(ctx, content) : errorPage(ctx, content), mapped.status, mapped.headers);
}

/** A domain refusal in the visitor's language when there is a text for its code, else as the service said it. */
export function refusalText(visit: Visit, error: DomainError): string {
  const key = `error.${error.code}`;
  return isMessageKey(key) ? visit.t(key, error.vars) : error.message;
}

/** The JSON API, and scripts that post or ask for JSON, get errors as JSON. */
function wantsJson(request: Request): boolean {
  const path = new URL(request.url).pathname;
  const accept = request.headers.get("accept") ?? "";
  const type = request.headers.get("content-type") ?? "";
  return path.startsWith("/api/") || (accept.includes("application/json") && !accept.includes("text/html")) || type.includes("application/json");
}

function mapError(error: unknown, visit: Visit, logger: Logger): Mapped {
  const { t } = visit;
  if (error instanceof DomainError) {
    return { status: STATUS_OF_KIND[error.kind], code: error.code, message: error.message, headers: {} };
  }
  if (error instanceof HttpRefusal) {
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  }
  const code = (error as { code?: unknown })?.code;
  if (code === "NOT_FOUND") return { status: 404, code: "not_found", message: t("error.404.body"), headers: {} };
  if (code === "VALIDATION") return { status: 400, code: "request.invalid", message: validationMessage(error), headers: {} };
  if (code === "PARSE") {
    return { status: 400, code: "request.unreadable", message: "The request body could not be read.", headers: {} };
  }
  logger.error("request_failed", { request_id: visit.requestId, error: error instanceof Error ? error : String(error) });
  return { status: 500, code: "internal", message: t("error.500.body", { id: visit.requestId }), headers: {} };
}

/** One readable sentence from a schema validation failure: which field and what is wrong. */
function validationMessage(error: unknown): string {
  return invalidFieldMessage((error as { valueError?: { path?: string; message?: string } }).valueError);
}

/** "The field "x" is invalid: ..." from a TypeBox value error (its path and message). */
export function invalidFieldMessage(detail: { path?: string; message?: string } | undefined): string {
  const field = detail?.path?.replace(/^\//, "").replace(/\//g, ".");
  if (field) return `The field "${field}" is invalid: ${(detail?.message ?? "unexpected value").toLowerCase()}.`;
  return "The request is invalid.";
}

function titleFor(status: number, visit: Visit): string {
  const { t } = visit;
  switch (status) {
    case 401:
      return t("login.failed.title");
    case 403:
      return t("error.403.title");
    case 404:
      return t("error.404.title");
    case 413:
      return t("error.413.title");
    case 429:
      return t("error.429.title");
    default:
      return status >= 500 ? t("error.500.title") : t("error.403.title");
  }
}
