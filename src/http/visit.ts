import { randomBytes } from "node:crypto";
import type { PageContext } from "../../views/context.ts";
import { translator, type Language, type Translate } from "../../views/i18n/index.ts";
import type { ActiveSession, SessionService } from "../auth/sessions.ts";
import type { CsrfTokens } from "./csrf.ts";
import { chooseLanguage } from "./language.ts";
import type { SessionCookie } from "./session-cookie.ts";

/**
 * Everything one request learns about its visitor, worked out lazily (static files never
 * touch the database) and at most once per request.
 */
export class Visit {
  readonly requestId = randomBytes(8).toString("hex");
  readonly startedAt = performance.now();
  private resolvedSession: ActiveSession | null | undefined;
  private chosenLanguage: Language | undefined;

  constructor(
    readonly request: Request,
    readonly clientAddress: string,
    private readonly deps: VisitDeps,
  ) {}

  /** The logged-in session, or null for a visitor. */
  get session(): ActiveSession | null {
    if (this.resolvedSession === undefined) {
      this.resolvedSession = this.deps.sessions.resolve(this.deps.cookie.read(this.request.headers.get("cookie")));
    }
    return this.resolvedSession;
  }

  /** Read the session again (after the account changed) so the answer shows the change. */
  refreshSession(): void {
    this.resolvedSession = undefined;
    this.chosenLanguage = undefined;
  }

  /** Forget the session (after logout) so the answer renders as a visitor's. */
  forgetSession(): void {
    this.resolvedSession = null;
    this.chosenLanguage = undefined;
  }

  /** The interface language for this visitor. */
  get language(): Language {
    this.chosenLanguage ??= chooseLanguage(this.session?.account ?? null, this.request.headers);
    return this.chosenLanguage;
  }

  /** Translator in the visitor's language. */
  get t(): Translate {
    return translator(this.language);
  }

  /** A form token for this visitor. */
  get csrfToken(): string {
    return this.deps.csrf.issue(this.session?.tokenHash ?? null);
  }

  /** What views need to render a page for this visitor. */
  pageContext(): PageContext {
    const account = this.session?.account;
    return {
      lang: this.language,
      t: this.t,
      csrfToken: this.csrfToken,
      viewer: account ? { firstName: account.firstName, name: account.name, youmeetId: account.youmeetId } : null,
      // Pages ask for consent again when the operator publishes a new policy; the JSON API does not.
      policyUpdate: account && account.consentVersion !== this.deps.privacyPolicyVersion ? this.deps.privacyPolicyVersion : null,
      notice: this.deps.notice?.() ?? null,
    };
  }

  /** True for htmx requests, which get a fragment instead of a page. */
  get isHtmx(): boolean {
    return this.request.headers.get("hx-request") === "true";
  }
}

/** What a Visit needs: sessions, the cookie and form tokens, the privacy policy version in force, the notice. */
export interface VisitDeps {
  sessions: SessionService;
  cookie: SessionCookie;
  csrf: CsrfTokens;
  privacyPolicyVersion: string;
  /** The operator's service notice in force, or null (cached by its service). */
  notice?: () => string | null;
}

/** One Visit per Request, kept beside it without touching the Request object. */
export class Visits {
  private readonly byRequest = new WeakMap<Request, Visit>();

  constructor(private readonly deps: VisitDeps) {}

  /** The visit of this request, created on first use. */
  of(request: Request, clientAddress = "unknown"): Visit {
    let visit = this.byRequest.get(request);
    if (!visit) {
      visit = new Visit(request, clientAddress, this.deps);
      this.byRequest.set(request, visit);
    }
    return visit;
  }
}
