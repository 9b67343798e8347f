package io.scopeenforcer.example.issuer;

import io.scopeenforcer.negotiation.NegotiationResult;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The development issuer's browser side of the authorization-code flow (RFC 6749 §4.1 with RFC 7636 PKCE):
 * {@code GET} {@value #PATH} checks the request, then shows the sign-in page ({@code POST} {@value #SIGNIN_PATH})
 * and the consent page ({@code POST} {@value #CONSENT_PATH}), which lists what will be granted and what is
 * dropped because the user lacks it; the answer is a redirect with {@code code}, {@code state} and {@code iss}
 * (RFC 9207), or with an error.
 *
 * <p>Rules: the client and its exact redirect URI are checked first, and a request failing them is never
 * redirected (RFC 6749 §4.1.2.1: an error page instead); PKCE {@code S256} is required from every client,
 * {@code plain} refused (RFC 9700 §2.1.1); both forms carry a per-session CSRF token; the session cookie is
 * {@code HttpOnly; SameSite=Lax} and renewed at sign-in; the pages cannot be framed. Nothing here logs a
 * password, code, token or cookie. Thread-safe.
 */
public final class AuthorizationEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The authorization endpoint. */
    public static final String PATH = "/oauth2/v1/authorize";
    /** Where the sign-in form posts. */
    public static final String SIGNIN_PATH = "/oauth2/v1/signin";
    /** Where the consent form posts. */
    public static final String CONSENT_PATH = "/oauth2/v1/consent";
    /** The session cookie, scoped to the issuer's paths. */
    static final String COOKIE = "dev_issuer_session";
    private static final String COOKIE_PATH = "/oauth2/v1/";
    private static final String SIGN_IN_FAILED = "The user name or password is incorrect.";

    private final transient DevIssuer issuer;
    private final transient CodeFlow flow;

    /** The endpoint of {@code issuer}. */
    public AuthorizationEndpoint(DevIssuer issuer) {
        this.issuer = issuer;
        this.flow = issuer.codeFlow();
    }

    /** GET of the authorization endpoint; POST of the sign-in and consent forms; never an exception. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        String method = request.getMethod();
        try {
            if (PATH.equals(path) && (method.equals("GET") || method.equals("HEAD"))) {
                authorize(request, response);
            } else if (SIGNIN_PATH.equals(path) && method.equals("POST")) {
                signIn(request, response);
            } else if (CONSENT_PATH.equals(path) && method.equals("POST")) {
                consent(request, response);
            } else {
                response.setHeader("Allow", PATH.equals(path) ? "GET, HEAD" : "POST");
                errorPage(response, 405, "This address takes another method.");
            }
        } catch (RuntimeException e) {
            // The class only: an exception message could quote the request.
            log("authorization endpoint failed: " + e.getClass().getName());
            errorPage(response, 500, "The sign-in service failed. Start again from the application.");
        }
    }

    private void authorize(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, List<String>> query;
        try {
            String raw = request.getQueryString();
            query = FormBody.parse(raw == null ? new byte[0] : raw.getBytes(StandardCharsets.ISO_8859_1));
        } catch (FormBody.Malformed e) {
            errorPage(response, 400, "The application sent a malformed sign-in request.");
            return;
        }
        // Client and redirect URI first: until both are known good, nothing is redirected anywhere.
        String clientId = single(query, "client_id");
        Optional<CodeFlow.BrowserClient> client = flow.client(clientId);
        if (repeated(query, "client_id") || client.isEmpty()) {
            errorPage(response, 400, "The application is not registered with this issuer.");
            return;
        }
        String redirectUri = single(query, "redirect_uri");
        if (repeated(query, "redirect_uri") || redirectUri == null || !client.get().redirectAllowed(redirectUri)) {
            errorPage(response, 400, "The application asked to return to an address it has not registered.");
            return;
        }
        String state = single(query, "state");
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            if (parameter.getValue().size() > 1) {
                // RFC 6749 §3.1: parameters must not be included more than once.
                redirectError(response, 302, redirectUri, "invalid_request", "a parameter is repeated", state);
                return;
            }
        }
        if (!"code".equals(single(query, "response_type"))) {
            redirectError(response, 302, redirectUri, "unsupported_response_type",
                    "this issuer supports response_type=code only", state);
            return;
        }
        String challenge = single(query, "code_challenge");
        String method = single(query, "code_challenge_method");
        if (challenge == null) {
            redirectError(response, 302, redirectUri, "invalid_request",
                    "code_challenge is required (PKCE, RFC 7636)", state);
            return;
        }
        if (!"S256".equals(method)) {
            // An absent method means plain (RFC 7636 §4.3), which is refused too.
            redirectError(response, 302, redirectUri, "invalid_request",
                    "code_challenge_method must be S256; plain is not supported", state);
            return;
        }
        if (!CodeFlow.isS256Challenge(challenge)) {
            redirectError(response, 302, redirectUri, "invalid_request",
                    "code_challenge must be 43 base64url characters (RFC 7636 section 4.2)", state);
            return;
        }
        String scope = single(query, "scope");
        NegotiationResult clientResult = flow.negotiateForClient(scope, client.get());
        if (clientResult instanceof NegotiationResult.Refused refused) {
            redirectError(response, 302, redirectUri, refused.error(), refused.description(), state);
            return;
        }
        CodeFlow.Pending pending = new CodeFlow.Pending(client.get(), redirectUri, state, scope, challenge,
                (NegotiationResult.Granted) clientResult);
        CodeFlow.Session session = flow.session(Pages.cookieValue(request, COOKIE)).orElse(null);
        if (session == null) {
            session = flow.newSession();
            setCookie(response, session);
        }
        String requestId = flow.addPending(session, pending);
        if (session.user == null) {
            signInPage(response, 200, session, requestId, pending, null);
        } else {
            afterSignIn(response, 200, session, requestId, pending);
        }
    }

    private void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Form form = form(request, response);
        if (form == null) {
            return;
        }
        Optional<Directory.User> user = Directory.authenticate(form.field("username"), form.field("password"));
        if (user.isEmpty()) {
            // One message whichever half was wrong, and no hint of whether the user exists.
            signInPage(response, 200, form.session, form.requestId, form.pending, SIGN_IN_FAILED);
            return;
        }
        CodeFlow.Session session = flow.signIn(form.session, user.get());
        setCookie(response, session);
        afterSignIn(response, 200, session, form.requestId, form.pending);
    }

    private void consent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Form form = form(request, response);
        if (form == null) {
            return;
        }
        Directory.User user = form.session.user;
        // The request is used up whatever the answer: a consent form works once.
        form.session.pending.remove(form.requestId);
        if (user == null) {
            errorPage(response, 400, "Sign in first. Start again from the application.");
            return;
        }
        CodeFlow.Pending pending = form.pending;
        if (!"allow".equals(form.field("decision"))) {
            redirectError(response, 303, pending.redirectUri(), "access_denied", "the user denied the request",
                    pending.state());
            return;
        }
        NegotiationResult result = flow.negotiateForUser(pending, user);
        if (result instanceof NegotiationResult.Refused refused) {
            redirectError(response, 303, pending.redirectUri(), refused.error(), refused.description(),
                    pending.state());
            return;
        }
        String code = flow.issueCode(pending, user, (NegotiationResult.Granted) result);
        StringBuilder location = new StringBuilder(pending.redirectUri()).append("?code=").append(enc(code));
        if (pending.state() != null) {
            location.append("&state=").append(enc(pending.state()));
        }
        location.append("&iss=").append(enc(issuer.issuer()));
        Pages.redirect(response, 303, location.toString());
    }

    /** The consent page, or the access_denied redirect when the user is authorized for none of the request. */
    private void afterSignIn(HttpServletResponse response, int status, CodeFlow.Session session, String requestId,
                             CodeFlow.Pending pending) throws IOException {
        NegotiationResult result = flow.negotiateForUser(pending, session.user);
        if (result instanceof NegotiationResult.Refused refused) {
            session.pending.remove(requestId);
            redirectError(response, 303, pending.redirectUri(), refused.error(), refused.description(),
                    pending.state());
            return;
        }
        NegotiationResult.Granted granted = (NegotiationResult.Granted) result;
        List<String> dropped = CodeFlow.dropped(pending.clientGrant(), granted);
        String body = "<p>Signed in as <strong>" + Pages.esc(session.user.name()) + "</strong>. The application <code>"
                + Pages.esc(pending.client().registration().clientId()) + "</code> asks for access.</p>"
                + "<h2>It will be granted</h2>" + Pages.scopeList(granted.scopes().values())
                + "<h2>Dropped: you do not hold these</h2>" + Pages.scopeList(dropped)
                + "<form method=\"post\" action=\"" + CONSENT_PATH + "\">"
                + Pages.hidden("csrf", session.csrf) + Pages.hidden("request", requestId)
                + "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>"
                + "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>";
        Pages.write(response, status, "Allow access?", body);
    }

    private void signInPage(HttpServletResponse response, int status, CodeFlow.Session session, String requestId,
                            CodeFlow.Pending pending, String error) throws IOException {
        String body = (error == null ? "" : "<p class=\"error\" role=\"alert\">" + Pages.esc(error) + "</p>")
                + "<p>Sign in to the development issuer to continue to <code>"
                + Pages.esc(pending.client().registration().clientId()) + "</code>.</p>"
                + "<form method=\"post\" action=\"" + SIGNIN_PATH + "\">"
                + Pages.hidden("csrf", session.csrf) + Pages.hidden("request", requestId)
                + "<label for=\"username\">User name</label>"
                + "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
                + "autocapitalize=\"none\" required>"
                + "<label for=\"password\">Password</label>"
                + "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
                + "<button type=\"submit\">Sign in</button></form>"
                + "<p>Demo users: alice, bob, carol, dave; password <code>&lt;user&gt;-password</code>.</p>";
        Pages.write(response, status, "Sign in", body);
    }

    /** A posted form of this flow: its session (by cookie), its CSRF token checked, its pending request. */
    private record Form(CodeFlow.Session session, String requestId, CodeFlow.Pending pending,
                        Map<String, List<String>> fields) {
        String field(String name) {
            List<String> values = fields.get(name);
            return values == null || values.size() != 1 ? null : values.get(0);
        }
    }

    /** Reads and checks a posted form; on failure writes the error page and returns null. */
    private Form form(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String type = request.getHeader("Content-Type");
        Map<String, List<String>> fields;
        try {
            if (type == null || !FormBody.mediaType(type).equals("application/x-www-form-urlencoded")) {
                throw new FormBody.Malformed("not a form");
            }
            fields = FormBody.read(request);
        } catch (FormBody.Malformed e) {
            errorPage(response, 400, "The form could not be read.");
            return null;
        }
        CodeFlow.Session session = flow.session(Pages.cookieValue(request, COOKIE)).orElse(null);
        Form form = new Form(session, null, null, fields);
        if (session == null || !session.csrfMatches(form.field("csrf"))) {
            // No session cookie (expired, or a cross-site post that SameSite kept back) or a forged form.
            errorPage(response, 403, "This form has expired or did not come from this site. "
                    + "Start again from the application.");
            return null;
        }
        String requestId = form.field("request");
        CodeFlow.Pending pending = requestId == null ? null : session.pending.get(requestId);
        if (pending == null) {
            errorPage(response, 400, "This sign-in request has expired or was already answered. "
                    + "Start again from the application.");
            return null;
        }
        return new Form(session, requestId, pending, fields);
    }

    private static void setCookie(HttpServletResponse response, CodeFlow.Session session) {
        Pages.cookie(response, COOKIE, session.id, COOKIE_PATH, CodeFlow.SESSION_TTL.toSeconds());
    }

    /** RFC 6749 §4.1.2.1: the error goes back to the (already checked) redirect URI, with the state. */
    private void redirectError(HttpServletResponse response, int status, String redirectUri, String error,
                               String description, String state) {
        StringBuilder location = new StringBuilder(redirectUri).append("?error=").append(enc(error))
                .append("&error_description=").append(enc(description));
        if (state != null) {
            location.append("&state=").append(enc(state));
        }
        location.append("&iss=").append(enc(issuer.issuer()));
        Pages.redirect(response, status, location.toString());
    }

    /** An error page that quotes nothing of the request. */
    static void errorPage(HttpServletResponse response, int status, String message) throws IOException {
        Pages.write(response, status, "Sign-in cannot continue", "<p>" + Pages.esc(message) + "</p>");
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static boolean repeated(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values != null && values.size() > 1;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
