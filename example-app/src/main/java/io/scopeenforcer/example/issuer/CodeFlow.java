package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.util.Base64URL;
import io.scopeenforcer.negotiation.ClientRegistration;
import io.scopeenforcer.negotiation.NegotiationResult;
import io.scopeenforcer.scope.Scope;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The state of the authorization-code flow (RFC 6749 §4.1, RFC 7636): the browser clients and their redirect
 * URIs, sign-in sessions, pending authorization requests and issued codes. Everything lives in memory and is
 * keyed by SHA-256 of the random value the browser or client holds, so a heap dump shows no usable session or
 * code. Thread-safe: concurrent maps, and a code is claimed with an atomic flag so it works once.
 */
final class CodeFlow {

    /** RFC 6749 §4.1.2 recommends at most ten minutes; a code here lives one. */
    static final Duration CODE_TTL = Duration.ofSeconds(60);
    /** How long a browser session (a sign-in and its pending requests) lasts. */
    static final Duration SESSION_TTL = Duration.ofMinutes(30);
    /** Used codes are remembered this long, so that a second use is recognised and revokes the first one's tokens. */
    private static final Duration USED_CODE_MEMORY = Duration.ofMinutes(10);
    /** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is 43 characters without padding. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** RFC 7636 §4.1: 43 to 128 unreserved characters. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final int MAX_PENDING_PER_SESSION = 8;
    private static final int MAX_ENTRIES = 10_000;

    /**
     * A client of the browser flow: its registration, whether it has a secret, and its redirect URIs, matched
     * exactly; {@code loopback} instead allows {@code http://127.0.0.1:<any port>/callback} (RFC 8252 §7.3).
     */
    record BrowserClient(ClientRegistration registration, boolean confidential, List<String> redirectUris,
                         boolean loopback) {

        /**
         * True when {@code uri} is registered: the same string (RFC 9700 §4.1.3: no pattern, no prefix), or
         * for a loopback client {@code http://127.0.0.1:<port>/callback} for any port.
         */
        boolean redirectAllowed(String uri) {
            if (redirectUris.contains(uri)) {
                return true;
            }
            if (!loopback) {
                return false;
            }
            try {
                URI parsed = new URI(uri);
                int port = parsed.getPort();
                // Rebuilt from its parts and compared as a string: anything else in it (user info, a query,
                // a fragment, dot segments, another spelling of the host) makes it differ.
                return port > 0 && port <= 65535 && uri.equals("http://127.0.0.1:" + port + "/callback");
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }

    /** An authorization request that passed the checks, waiting for sign-in and consent. */
    record Pending(BrowserClient client, String redirectUri, String state, String scope, String codeChallenge,
                   NegotiationResult.Granted clientGrant) {
    }

    /** A browser's session: its CSRF token, the signed-in user (null before sign-in), pending requests by id. */
    static final class Session {
        final String id;
        final String csrf;
        final Instant expiresAt;
        volatile Directory.User user;
        final Map<String, Pending> pending = new ConcurrentHashMap<>();

        private Session(String id, String csrf, Instant expiresAt) {
            this.id = id;
            this.csrf = csrf;
            this.expiresAt = expiresAt;
        }

        /** True when {@code token} is this session's CSRF token, compared in constant time. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An issued code: what it was issued for, whether it was used, and the family of the tokens it gave. */
    private record Code(String clientId, String redirectUri, String challenge, Directory.User user,
                        NegotiationResult.Granted grant, Instant expiresAt, AtomicBoolean used, String family) {
    }

    private final DevIssuer issuer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, BrowserClient> clients;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();

    CodeFlow(DevIssuer issuer, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        String base = issuer.issuer();
        // The demo page runs on this app, so acme-web's callback is on the issuer's own port; both spellings of
        // the loopback host a browser may have used to open the demo page.
        String loopbackBase = base.replace("://localhost:", "://127.0.0.1:");
        this.clients = Map.of(
                DemoClients.ACME_WEB.clientId(), new BrowserClient(DemoClients.ACME_WEB, true,
                        List.of(base + DemoServlet.CALLBACK_PATH, loopbackBase + DemoServlet.CALLBACK_PATH), false),
                DemoClients.PAAS_CLI.clientId(), new BrowserClient(DemoClients.PAAS_CLI, false, List.of(), true));
    }

    /** The browser-flow client {@code clientId}, if it is one. */
    Optional<BrowserClient> client(String clientId) {
        return Optional.ofNullable(clientId == null ? null : clients.get(clientId));
    }

    /** True when {@code client} is a browser-flow client: it has no {@code client_credentials} grant. */
    boolean isBrowserClient(ClientRegistration client) {
        return clients.containsKey(client.clientId());
    }

    /** True for a well-formed S256 code challenge. */
    static boolean isS256Challenge(String challenge) {
        return challenge != null && S256_CHALLENGE.matcher(challenge).matches();
    }

    /** The session whose cookie value this is, if live. */
    Optional<Session> session(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 100) {
            return Optional.empty();
        }
        String key = DevIssuer.digest(cookieValue);
        Session session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expiresAt.isAfter(clock.instant())) {
            sessions.remove(key, session);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** A new session; its id is the cookie value, which only the browser keeps. */
    Session newSession() {
        Instant now = clock.instant();
        if (sessions.size() > MAX_ENTRIES) {
            sessions.values().removeIf(s -> !s.expiresAt.isAfter(now));
        }
        Session session = new Session(randomToken(), randomToken(), now.plus(SESSION_TTL));
        sessions.put(DevIssuer.digest(session.id), session);
        return session;
    }

    /**
     * A fresh session for a user who just signed in, carrying over the pending requests: a new id at every
     * change of privilege, so that a session id planted before sign-in is worth nothing after it (session
     * fixation, OWASP ASVS V3.2.1).
     */
    Session signIn(Session old, Directory.User user) {
        sessions.remove(DevIssuer.digest(old.id), old);
        Session fresh = newSession();
        fresh.pending.putAll(old.pending);
        fresh.user = user;
        return fresh;
    }

    /** Keeps {@code pending} in the session and returns its id, the form's {@code request} field. */
    String addPending(Session session, Pending pending) {
        if (session.pending.size() >= MAX_PENDING_PER_SESSION) {
            session.pending.clear();
        }
        String id = randomToken();
        session.pending.put(id, pending);
        return id;
    }

    /** The user's negotiation of a pending request: granted scopes, or access_denied when nothing is left. */
    NegotiationResult negotiateForUser(Pending pending, Directory.User user) {
        return issuer.negotiator().negotiate(pending.scope(), pending.client().registration(),
                user.authorizedScopes());
    }

    /** The negotiation without a user: the scopes the request asks for and the client may have. */
    NegotiationResult negotiateForClient(String scope, BrowserClient client) {
        return issuer.negotiator().negotiate(scope, client.registration());
    }

    /** The scopes of the client's grant that the user's grant lacks: dropped because the user lacks them. */
    static List<String> dropped(NegotiationResult.Granted clientGrant, NegotiationResult.Granted userGrant) {
        List<String> dropped = new ArrayList<>();
        for (Scope scope : clientGrant.scopes().scopes()) {
            if (!userGrant.scopes().contains(scope.value())) {
                dropped.add(scope.value());
            }
        }
        return dropped;
    }

    /** Issues a single-use code for the consented grant (RFC 6749 §4.1.2). */
    String issueCode(Pending pending, Directory.User user, NegotiationResult.Granted grant) {
        Instant now = clock.instant();
        if (codes.size() > MAX_ENTRIES) {
            codes.values().removeIf(c -> !c.expiresAt().plus(USED_CODE_MEMORY).isAfter(now));
        }
        String code = randomToken();
        codes.put(DevIssuer.digest(code), new Code(pending.client().registration().clientId(), pending.redirectUri(),
                pending.codeChallenge(), user, grant, now.plus(CODE_TTL), new AtomicBoolean(), issuer.newFamily()));
        return code;
    }

    /**
     * The {@code authorization_code} grant (RFC 6749 §4.1.3, RFC 7636 §4.6): the code must be live, unused,
     * this client's, issued for this redirect URI and match the verifier. A second use of a code revokes the
     * refresh tokens the first use issued (RFC 6749 §4.1.2). Every failure is the same {@code invalid_grant}.
     */
    DevIssuer.Outcome redeem(ClientRegistration client, String code, String redirectUri, String verifier,
                             DevIssuer.Binding binding) {
        if (!VERIFIER.matcher(verifier).matches()) {
            return DevIssuer.Outcome.error(400, "invalid_request",
                    "code_verifier must be 43 to 128 unreserved characters (RFC 7636 section 4.1)");
        }
        String key = DevIssuer.digest(code);
        Code issued = codes.get(key);
        if (issued == null || !issued.clientId().equals(client.clientId())) {
            // Another client's code is not touched: its owner may still redeem it.
            return invalidGrant();
        }
        if (!issued.used().compareAndSet(false, true)) {
            issuer.revokeFamily(issued.family());
            return invalidGrant();
        }
        if (!issued.expiresAt().isAfter(clock.instant())
                || !issued.redirectUri().equals(redirectUri)
                || !MessageDigest.isEqual(issued.challenge().getBytes(StandardCharsets.US_ASCII),
                        s256(verifier).getBytes(StandardCharsets.US_ASCII))) {
            // Burnt: a wrong verifier does not get a second guess.
            return invalidGrant();
        }
        return issuer.authorizationCode(client, issued.grant(), issued.user(), issued.family(), binding);
    }

    /** BASE64URL(SHA-256(ASCII(verifier))), RFC 7636 §4.2. */
    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64URL.encode(hash).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** 256 random bits, base64url. */
    String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64URL.encode(bytes).toString();
    }

    private static DevIssuer.Outcome invalidGrant() {
        return DevIssuer.Outcome.error(400, "invalid_grant",
                "the code is unknown, used, expired, another client's, or does not match redirect_uri or code_verifier");
    }

}
