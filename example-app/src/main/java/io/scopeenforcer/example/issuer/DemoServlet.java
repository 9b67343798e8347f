package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo page ({@value #PATH}) and its callback ({@value #CALLBACK_PATH}): {@code acme-web}, a confidential
 * web client living in the same app, runs the authorization-code flow against the development issuer the way
 * any client would, over HTTP: a PKCE pair and a {@code state} bound to the browser by a cookie, the redirect to
 * the authorization endpoint, and on return the {@code state} and {@code iss} checks (RFC 6749 §10.12, RFC 9207),
 * the code exchanged server-side with the client secret, then three of the app's APIs called with the token.
 * The page shows the granted and dropped scopes and each call's status, never the token. Thread-safe.
 */
public final class DemoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The demo page. */
    public static final String PATH = "/demo";
    /** acme-web's redirect URI path. */
    public static final String CALLBACK_PATH = "/demo/callback";
    private static final String COOKIE = "demo_client";
    /** What acme-web asks for: everything it may have, and a refresh token. */
    static final String SCOPE = DemoClients.ACME_WEB.allowedScopes().toSpaceDelimited() + " offline_access";
    /**
     * The three API calls of the callback page: any token; {@code applications:read} in the user's tenant; the
     * same in another tenant, which the token's tenant binding refuses (403) whatever its scopes.
     */
    static final List<String> CALLS = List.of("/whoami", "/v1/tenants/acme/realms/prod/applications",
            "/v1/tenants/globex/realms/main/applications");
    private static final Duration FLOW_TTL = Duration.ofMinutes(10);

    /** A flow started by this client: its PKCE verifier, redirect URI, and the browser cookie it is bound to. */
    private record Started(String verifier, String redirectUri, String browserDigest, Instant expiresAt) {
    }

    private final transient DevIssuer issuer;
    private final transient Map<String, Started> started = new ConcurrentHashMap<>();
    private final transient HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The demo client of {@code issuer}. */
    public DemoServlet(DevIssuer issuer) {
        this.issuer = issuer;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (CALLBACK_PATH.equals(request.getServletPath())) {
                callback(request, response);
            } else if ("start".equals(request.getParameter("action"))) {
                start(request, response);
            } else {
                Pages.write(response, 200, "Scope Enforcer demo", "<p>The web client <code>acme-web</code> asks the "
                        + "development issuer for these scopes on your behalf:</p>"
                        + Pages.scopeList(List.of(SCOPE.split(" ")))
                        + "<p>Sign in as <code>alice</code>, <code>bob</code>, <code>carol</code> or <code>dave</code> "
                        + "(password <code>&lt;user&gt;-password</code>): the consent page shows what your roles "
                        + "grant and what is dropped, and this page then calls three APIs with the token.</p>"
                        + "<form method=\"get\" action=\"" + PATH + "\">" + Pages.hidden("action", "start")
                        + "<button type=\"submit\">Sign in with the development issuer</button></form>");
            }
        } catch (RuntimeException e) {
            log("demo failed: " + e.getClass().getName());
            AuthorizationEndpoint.errorPage(response, 500, "The demo failed. Start again at " + PATH + ".");
        }
    }

    private void start(HttpServletRequest request, HttpServletResponse response) {
        CodeFlow flow = issuer.codeFlow();
        String state = flow.randomToken();
        String verifier = flow.randomToken();
        String browser = flow.randomToken();
        // Back to the host the browser used, so that it sends this cookie to the callback.
        String host = request.getHeader("Host");
        String base = issuer.issuer();
        String loopback = base.replace("://localhost:", "://127.0.0.1:");
        String redirectUri = (loopback.equals("http://" + host) ? loopback : base) + CALLBACK_PATH;
        Instant now = Instant.now();
        if (started.size() > 1000) {
            started.values().removeIf(s -> !s.expiresAt().isAfter(now));
        }
        started.put(state, new Started(verifier, redirectUri, DevIssuer.digest(browser), now.plus(FLOW_TTL)));
        Pages.cookie(response, COOKIE, browser, PATH, FLOW_TTL.toSeconds());
        String location = base + AuthorizationEndpoint.PATH + "?response_type=code&client_id=acme-web"
                + "&redirect_uri=" + enc(redirectUri) + "&scope=" + enc(SCOPE) + "&state=" + enc(state)
                + "&code_challenge=" + CodeFlow.s256(verifier) + "&code_challenge_method=S256";
        Pages.redirect(response, 302, location);
    }

    private void callback(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String state = request.getParameter("state");
        Started flow = state == null ? null : started.remove(state);
        String browser = Pages.cookieValue(request, COOKIE);
        if (flow == null || browser == null || !flow.expiresAt().isAfter(Instant.now())
                || !MessageDigest.isEqual(flow.browserDigest().getBytes(StandardCharsets.US_ASCII),
                        DevIssuer.digest(browser).getBytes(StandardCharsets.US_ASCII))) {
            // RFC 6749 §10.12: a response this browser did not start is refused (login CSRF).
            AuthorizationEndpoint.errorPage(response, 400, "This answer does not belong to a sign-in started here. "
                    + "Start again at " + PATH + ".");
            return;
        }
        if (!issuer.issuer().equals(request.getParameter("iss"))) {
            // RFC 9207 §2.4: the answer must come from the issuer the request went to (mix-up attacks).
            AuthorizationEndpoint.errorPage(response, 400, "The answer names another issuer.");
            return;
        }
        String error = request.getParameter("error");
        if (error != null) {
            Pages.write(response, 200, "Not signed in", "<p>The issuer answered <code>" + Pages.esc(error)
                    + "</code>: " + Pages.esc(request.getParameter("error_description")) + "</p>"
                    + "<p><a href=\"" + PATH + "\">Try again</a></p>");
            return;
        }
        String code = request.getParameter("code");
        if (code == null) {
            AuthorizationEndpoint.errorPage(response, 400, "The answer has no code.");
            return;
        }
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(issuer.issuer() + TokenEndpoint.PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("acme-web:" + DemoClients.secretOf("acme-web")).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + enc(code)
                        + "&redirect_uri=" + enc(flow.redirectUri()) + "&code_verifier=" + enc(flow.verifier()))));
        Map<String, Object> body;
        try {
            body = JSONObjectUtils.parse(token.body());
        } catch (java.text.ParseException e) {
            body = Map.of();
        }
        if (token.statusCode() != 200 || !(body.get("access_token") instanceof String accessToken)) {
            Pages.write(response, 200, "Not signed in", "<p>The token endpoint answered " + token.statusCode()
                    + " <code>" + Pages.esc(String.valueOf(body.get("error"))) + "</code>.</p>"
                    + "<p><a href=\"" + PATH + "\">Try again</a></p>");
            return;
        }
        Set<String> granted = new LinkedHashSet<>(List.of(String.valueOf(body.get("scope")).split(" ")));
        List<String> dropped = new ArrayList<>();
        for (String scope : SCOPE.split(" ")) {
            if (!granted.contains(scope)) {
                dropped.add(scope);
            }
        }
        StringBuilder calls = new StringBuilder("<table><tr><th>Call</th><th>Status</th><th>Answer</th></tr>");
        for (String path : CALLS) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(issuer.issuer() + path))
                    .header("Authorization", "Bearer " + accessToken).GET());
            String text = answer.body().length() > 300 ? answer.body().substring(0, 300) + "…" : answer.body();
            calls.append("<tr><td><code>GET ").append(Pages.esc(path)).append("</code></td><td class=\"status\">")
                    .append(answer.statusCode()).append("</td><td><code>").append(Pages.esc(text))
                    .append("</code></td></tr>");
        }
        calls.append("</table>");
        Pages.write(response, 200, "Signed in", "<h2>Granted</h2>" + Pages.scopeList(granted)
                + "<h2>Dropped: the user does not hold these</h2>" + Pages.scopeList(dropped)
                + "<p>A refresh token was " + (body.containsKey("refresh_token") ? "" : "not ") + "issued.</p>"
                + "<h2>The app's APIs with this token</h2>" + calls
                + "<p><a href=\"" + PATH + "\">Start again</a></p>");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
