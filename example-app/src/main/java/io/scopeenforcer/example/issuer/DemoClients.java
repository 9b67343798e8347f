package io.scopeenforcer.example.issuer;

import io.scopeenforcer.negotiation.ClientRegistration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The development issuer's clients (docs/architecture.md §12). Each client's secret is {@code <client>-secret}: a published
 * demo convention, which is why the development issuer listens on the loopback interface by default.
 * Immutable and thread-safe.
 */
public final class DemoClients {

    /** The account-wide URN consumer scope. */
    public static final String CONSUMER_ALL = "urn:opc:resource:consumer::all";

    /** Every demo client in the order the start-up banner and the docs list them. */
    public static final List<ClientRegistration> ALL = List.of(
            client("account-client", CONSUMER_ALL, true, null, null),
            client("paas-reader", "urn:opc:resource:consumer:paas::read", true, null, null),
            client("stack-operator", "urn:opc:resource:consumer:paas:stack::all", false, null, null),
            client("analytics-reader", "urn:opc:resource:consumer:paas:analytics::read", false, null, null),
            client("idm-admin", "urn:opc:idm:__myscopes__", false, null, null),
            client("acme-console", "tenants:read realms:read applications:read applications:create"
                    + " applications:update applications:delete groups:read groups:update identities:read",
                    true, "acme", "prod"),
            client("acme-auditor", "applications:read groups:read identities:read", false, "acme", "*"),
            client("globex-console", "applications:read applications:create", false, "globex", "main"));

    /**
     * The authorization-code clients (README "Demo clients"), which act for a signed-in user: confidential
     * {@code acme-web} (secret {@code acme-web-secret}) and public {@code paas-cli} (no secret; PKCE is what
     * binds its code to it). Not in {@link #ALL}: they have no {@code client_credentials} grant.
     */
    public static final ClientRegistration ACME_WEB = client("acme-web", "tenants:read realms:read applications:read"
            + " applications:create applications:update applications:delete groups:read groups:update identities:read",
            true, null, null);
    /** The public command-line client of the loopback redirect (RFC 8252 §7.3); see {@link #ACME_WEB}. */
    public static final ClientRegistration PAAS_CLI = client("paas-cli",
            "urn:opc:resource:consumer:paas::read urn:opc:resource:consumer:paas:stack::all", true, null, null);

    /**
     * A client of an older integration whose access tokens are opaque (not JWTs): the resource server checks them by
     * introspection (RFC 7662) at {@code /oauth2/v1/introspect}. Not in {@link #ALL}.
     */
    public static final ClientRegistration LEGACY_READER = client("legacy-reader",
            "urn:opc:resource:consumer:paas::read", false, null, null);
    /**
     * The client of certificate-bound tokens (RFC 8705), with {@code --tls} only: it has no secret and authenticates
     * with the demo client certificate made at start-up ({@code self_signed_tls_client_auth}, RFC 8705 §2.2), and its
     * tokens carry that certificate's thumbprint ({@code cnf["x5t#S256"]}). Not in {@link #ALL}.
     */
    public static final ClientRegistration MTLS_CLIENT = client("mtls-client",
            "urn:opc:resource:consumer:paas::read", false, null, null);
    /** The resource server's own credentials at the introspection endpoint (secret {@code example-api-secret}). */
    public static final String INTROSPECTION_CLIENT = "example-api";

    private static final Map<String, ClientRegistration> BY_ID = index();
    /** Compared against when the client id is unknown, so that an unknown id costs what a wrong secret does. */
    private static final byte[] NO_SECRET = sha256("\0no client\0");

    private DemoClients() {
    }

    /**
     * The client whose id and secret these are, comparing secrets in constant time (RFC 6749 §10.10 wants
     * credentials guessing to be hard; comparing digests also hides the secret's length).
     */
    static Optional<ClientRegistration> authenticate(String clientId, String secret) {
        ClientRegistration client = BY_ID.get(clientId);
        byte[] expected = client == null ? NO_SECRET : sha256(secretOf(client.clientId()));
        boolean match = MessageDigest.isEqual(expected, sha256(secret));
        return match && client != null ? Optional.of(client) : Optional.empty();
    }

    /** Whether these are the resource server's introspection credentials, compared in constant time. */
    static boolean isIntrospectionClient(String clientId, String secret) {
        boolean id = MessageDigest.isEqual(sha256(INTROSPECTION_CLIENT), sha256(clientId));
        return MessageDigest.isEqual(sha256(secretOf(INTROSPECTION_CLIENT)), sha256(secret)) && id;
    }

    /**
     * Whether {@code client} is public (RFC 6749 §2.1): it holds no secret, so a refresh token it got with a DPoP
     * proof is bound to that key (RFC 9449 §5).
     */
    static boolean isPublic(ClientRegistration client) {
        return client.clientId().equals(PAAS_CLI.clientId());
    }

    /** The demo convention; real secrets are random and live in a vault, never in code. */
    public static String secretOf(String clientId) {
        return clientId + "-secret";
    }

    private static ClientRegistration client(String id, String allowed, boolean refresh, String tenant, String realm) {
        ClientRegistration.Builder b = ClientRegistration.newBuilder(id)
                .allowedScopes(allowed)
                .defaultScopes(allowed)
                .refreshTokens(refresh);
        if (tenant != null) {
            b.tenant(tenant).realm(realm);
        }
        return b.build();
    }

    private static Map<String, ClientRegistration> index() {
        Map<String, ClientRegistration> byId = new LinkedHashMap<>();
        ALL.forEach(c -> byId.put(c.clientId(), c));
        // A confidential authorization-code client authenticates like the others; paas-cli is public and has
        // no secret, so it is not here and no secret authenticates it.
        byId.put(ACME_WEB.clientId(), ACME_WEB);
        byId.put(LEGACY_READER.clientId(), LEGACY_READER);
        return Map.copyOf(byId);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
