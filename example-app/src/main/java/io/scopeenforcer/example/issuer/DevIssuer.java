package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.scopeenforcer.DpopSettings;
import io.scopeenforcer.TokenRequestProof;
import io.scopeenforcer.negotiation.ClientRegistration;
import io.scopeenforcer.negotiation.NegotiationResult;
import io.scopeenforcer.negotiation.Negotiator;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The development issuer (docs/architecture.md §12): a fresh ES256 key per start, access tokens ({@code typ: at+jwt}) for the
 * demo clients, scopes negotiated by {@link Negotiator} (docs/architecture.md §6), and rotating refresh tokens kept in memory.
 * It exists so the whole flow runs on one machine; a real deployment trusts a real issuer instead. Users
 * ({@link Directory}) get tokens through the authorization-code flow ({@link CodeFlow}, {@link AuthorizationEndpoint});
 * each original grant starts a refresh-token family, which a replayed refresh token or code revokes whole. A client
 * revokes one of its own refresh tokens or opaque access tokens at {@link RevocationEndpoint} (RFC 7009).
 *
 * <p>Sender-constrained tokens (RFC 7800 {@code cnf}): a token request with a valid DPoP proof gets a token bound to
 * the proof's key ({@code cnf.jkt}, {@code token_type: DPoP}, RFC 9449 §5), and {@code mtls-client}, which
 * authenticates with its TLS certificate (RFC 8705 §2.2), gets tokens bound to that certificate
 * ({@code cnf["x5t#S256"]}, RFC 8705 §3). A public client's refresh token issued with a proof is bound to that key:
 * a refresh with another key, or none, is {@code invalid_grant}. A confidential client's refresh token is bound to
 * the client's authentication only, so its next access token is bound to whatever key the refresh request proves.
 *
 * <p>Thread-safe: the key and negotiator are immutable, refresh tokens live in a concurrent map and are
 * consumed with an atomic remove, so a refresh token works once even under concurrent use.
 */
public final class DevIssuer {

    /** How long a refresh token lasts: a working day of demo. */
    public static final Duration REFRESH_TOKEN_TTL = Duration.ofHours(8);

    /** Every scope the app's routes can require (docs/architecture.md §12), plus {@code offline_access}. */
    static final ScopeSet CATALOG = catalog();

    private final String issuer;
    private final Duration accessTokenTtl;
    private final Clock clock;
    private final ECKey key;
    private final ECDSASigner signer;
    private final Negotiator negotiator;
    private final String jwksJson;
    private final String metadataJson;
    private final String openidConfigurationJson;
    private final CodeFlow codeFlow;
    /** The token endpoint's proof check: its origin is the issuer's, its replay cache this issuer's own. */
    private final DpopSettings dpop;
    /** RFC 8705 §3.1 thumbprint of {@code mtls-client}'s certificate, registered at start-up; null without TLS. */
    private final String mtlsClientThumbprint;
    private final SecureRandom random = new SecureRandom();
    /** SHA-256 of the refresh token → its grant: a heap dump shows no usable refresh token. */
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();

    /**
     * Refresh tokens already rotated away (digest → family): presenting one again means two parties hold the
     * chain, so the whole family is revoked (RFC 9700 §4.14.2).
     */
    private final Map<String, RotatedToken> rotatedRefreshTokens = new ConcurrentHashMap<>();

    /**
     * What a refresh token stands for: the client and the scope of the original grant, which rotation keeps; the
     * family (one per original grant, kept by rotation); the user it acts for (null for a client's own grant).
     */
    private record RefreshGrant(String clientId, ScopeSet scope, Instant expiresAt, String family,
                                Directory.User user, String jkt) {
    }

    /**
     * What a token is bound to (RFC 7800 {@code cnf}): the RFC 7638 thumbprint of a DPoP proof's key ({@code jkt}),
     * the RFC 8705 §3.1 thumbprint of the client's TLS certificate ({@code x5t}), either, both or neither.
     */
    record Binding(String jkt, String x5t) {

        static final Binding NONE = new Binding(null, null);

        /** The {@code cnf} claim, or null when bound to nothing. */
        Map<String, Object> cnf() {
            if (jkt == null && x5t == null) {
                return null;
            }
            Map<String, Object> cnf = new LinkedHashMap<>();
            if (jkt != null) {
                cnf.put("jkt", jkt);
            }
            if (x5t != null) {
                cnf.put("x5t#S256", x5t);
            }
            return cnf;
        }

        /** {@code DPoP} for a DPoP-bound token (RFC 9449 §5), else {@code Bearer} (a certificate-bound one too). */
        String tokenType() {
            return jkt != null ? "DPoP" : "Bearer";
        }
    }

    private record RotatedToken(String family, Instant expiresAt) {
    }

    /** An opaque access token's introspection answer, kept under the token's SHA-256. */
    private record OpaqueToken(Map<String, Object> answer, Instant expiresAt) {
    }

    private final Map<String, OpaqueToken> opaqueTokens = new ConcurrentHashMap<>();

    /** The token endpoint's answer: HTTP status and JSON body (a token response or an RFC 6749 §5.2 error). */
    record Outcome(int status, Map<String, Object> body) {

        static Outcome error(int status, String error, String description) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", error);
            body.put("error_description", description);
            return new Outcome(status, body);
        }
    }

    /**
     * An issuer named {@code issuer} (also the resource server's identifier, the audience of
     * {@code <resource>:<action>} tokens).
     *
     * @param issuer the issuer identifier, {@code http://localhost:<port>} in the example app
     * @param accessTokenTtl how long access tokens last
     * @param clock the clock of {@code iat}, {@code exp} and refresh-token expiry
     * @throws IllegalArgumentException if the TTL is not positive
     */
    public DevIssuer(String issuer, Duration accessTokenTtl, Clock clock) {
        this(issuer, accessTokenTtl, clock, null);
    }

    /**
     * An issuer whose {@code mtls-client} authenticates with the TLS client certificate of this thumbprint.
     *
     * @param mtlsClientThumbprint RFC 8705 §3.1 {@code x5t#S256} of the demo client certificate; null when the app
     *     serves plain HTTP, and then {@code mtls-client} cannot authenticate
     * @see #DevIssuer(String, Duration, Clock)
     */
    public DevIssuer(String issuer, Duration accessTokenTtl, Clock clock, String mtlsClientThumbprint) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.accessTokenTtl = Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero()) {
            throw new IllegalArgumentException("accessTokenTtl must be positive");
        }
        try {
            // P-256 rather than RSA: key generation is instant, which keeps start-up within a second.
            this.key = new ECKeyGenerator(Curve.P_256)
                    .keyID("dev-" + UUID.randomUUID().toString().substring(0, 8))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a P-256 signing key", e);
        }
        this.negotiator = Negotiator.newBuilder().catalog(CATALOG).resourceServerAudience(issuer).build();
        this.jwksJson = JSONObjectUtils.toJSONString(new JWKSet(key.toPublicJWK()).toJSONObject(true));
        this.dpop = DpopSettings.newBuilder().origin(issuer).clock(clock).build();
        this.mtlsClientThumbprint = mtlsClientThumbprint;
        Map<String, Object> metadata = metadata(issuer, dpop.algorithms(), mtlsClientThumbprint != null);
        this.metadataJson = JSONObjectUtils.toJSONString(metadata);
        this.openidConfigurationJson = JSONObjectUtils.toJSONString(openidConfiguration(metadata));
        this.codeFlow = new CodeFlow(this, clock);
    }

    /**
     * The token request's DPoP proof checked (RFC 9449 §5): {@code htu} must be this issuer's token endpoint as the
     * client addressed it; an accepted proof works once.
     *
     * @param proofs every {@code DPoP} header of the request
     * @param method the request method
     * @param requestPath the raw request path
     */
    TokenRequestProof.Result checkProof(List<String> proofs, String method, String requestPath) {
        return TokenRequestProof.check(dpop, proofs, method, requestPath);
    }

    /** The thumbprint of {@code mtls-client}'s registered certificate, or null when the app serves plain HTTP. */
    String mtlsClientThumbprint() {
        return mtlsClientThumbprint;
    }

    /** The issuer identifier, {@code iss} of its tokens and of its authorization responses (RFC 9207). */
    String issuer() {
        return issuer;
    }

    /** The scope rules, shared by every grant. */
    Negotiator negotiator() {
        return negotiator;
    }

    /** The authorization-code flow's state: browser sessions, pending requests and codes. */
    CodeFlow codeFlow() {
        return codeFlow;
    }

    /** How long its access tokens last. */
    public Duration accessTokenTtl() {
        return accessTokenTtl;
    }

    /** The public key set ({@code /.well-known/jwks.json}); the private key never leaves this object. */
    public String jwksJson() {
        return jwksJson;
    }

    /** RFC 8414 authorization-server metadata ({@code /.well-known/oauth-authorization-server}). */
    String metadataJson() {
        return metadataJson;
    }

    /**
     * The same metadata in the OpenID Connect Discovery 1.0 place ({@code /.well-known/openid-configuration}), for
     * clients and resource servers that look there first. This issuer issues no ID tokens, so the document names no
     * {@code id_token} response type, no {@code openid} scope, no {@code userinfo_endpoint} and, though OpenID
     * Discovery §3 requires it, no {@code id_token_signing_alg_values_supported}: a relying party that needs ID
     * tokens should refuse it rather than be told of ID tokens that never come. It adds the
     * {@code subject_types_supported} OpenID Discovery requires: {@code public}, one {@code sub} for every client.
     */
    String openidConfigurationJson() {
        return openidConfigurationJson;
    }

    /**
     * The {@code client_credentials} grant: negotiate the requested scope (null: the client's defaults), and bind the
     * token as {@code binding} says.
     */
    Outcome clientCredentials(ClientRegistration client, String requestedScope, Binding binding) {
        NegotiationResult result = negotiator.negotiate(requestedScope, client);
        if (result instanceof NegotiationResult.Refused refused) {
            return Outcome.error(400, refused.error(), refused.description());
        }
        NegotiationResult.Granted granted = (NegotiationResult.Granted) result;
        if (client.clientId().equals(DemoClients.LEGACY_READER.clientId())) {
            return issueOpaque(client, granted, binding);
        }
        return issue(client, granted, granted.refreshToken() ? granted.scopes() : null, null, newFamily(), binding);
    }

    /**
     * An opaque access token (random, 256 bits): only introspection (RFC 7662) says what it grants. The issuer keeps
     * its SHA-256, never the token, with what introspection answers for it.
     */
    private Outcome issueOpaque(ClientRegistration client, NegotiationResult.Granted granted, Binding binding) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(accessTokenTtl);
        opaqueTokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("iss", issuer);
        answer.put("sub", client.clientId());
        answer.put("client_id", client.clientId());
        answer.put("aud", new ArrayList<>(granted.audiences()));
        answer.put("scope", granted.scopes().toSpaceDelimited());
        answer.put("token_type", binding.tokenType());
        answer.put("iat", now.getEpochSecond());
        answer.put("exp", expiresAt.getEpochSecond());
        if (binding.cnf() != null) {
            // RFC 9449 §6.2, RFC 8705 §3.2: introspection tells the resource server what the token is bound to.
            answer.put("cnf", binding.cnf());
        }
        opaqueTokens.put(digest(token), new OpaqueToken(Map.copyOf(answer), expiresAt));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", binding.tokenType());
        body.put("expires_in", accessTokenTtl.toSeconds());
        body.put("scope", granted.scopes().toSpaceDelimited());
        return new Outcome(200, body);
    }

    /**
     * RFC 7662 §2.2: what an opaque token of this issuer stands for, or {@code {"active":false}} for a token it did
     * not issue or that expired (nothing more: §2.2 says an inactive answer should say no more).
     */
    Map<String, Object> introspect(String token) {
        OpaqueToken found = token == null ? null : opaqueTokens.get(digest(token));
        if (found == null || !found.expiresAt().isAfter(clock.instant())) {
            return Map.of("active", false);
        }
        return found.answer();
    }

    /**
     * RFC 7009 §2.1: ends {@code token} when it is one of {@code client}'s opaque access tokens (introspection then
     * answers {@code {"active":false}}) or refresh tokens. A token of another client is left alone (§2.1: the
     * server must check that the token was issued to the client asking), and so are unknown tokens and JWT access
     * tokens, which are self-contained and end at their {@code exp}; the endpoint answers 200 in every case (§2.2).
     * Both kinds are looked up, so a {@code token_type_hint} is not needed.
     */
    void revoke(ClientRegistration client, String token) {
        String handle = digest(token);
        OpaqueToken opaque = opaqueTokens.get(handle);
        if (opaque != null && client.clientId().equals(opaque.answer().get("client_id"))) {
            opaqueTokens.remove(handle, opaque);
        }
        RefreshGrant grant = refreshTokens.get(handle);
        if (grant != null && grant.clientId().equals(client.clientId())) {
            refreshTokens.remove(handle, grant);
        }
    }

    /**
     * The tokens of an {@code authorization_code} grant (RFC 6749 §4.1.4): an access token for {@code user}
     * ({@code sub}, {@code bi_t}, {@code bi_r} from the user) and, when the grant has {@code offline_access}, a
     * refresh token of the new family {@code family}, which {@link #revokeFamily} ends; bound as {@code binding} says.
     */
    Outcome authorizationCode(ClientRegistration client, NegotiationResult.Granted granted, Directory.User user,
                              String family, Binding binding) {
        Objects.requireNonNull(user, "user");
        return issue(client, granted, granted.refreshToken() ? granted.scopes() : null, user, family, binding);
    }

    /** A new refresh-token family id: one per original grant. */
    String newFamily() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64URL.encode(bytes).toString();
    }

    /**
     * Revokes every refresh token of {@code family}, live or rotated (a reused code, RFC 6749 §4.1.2; a reused
     * refresh token, RFC 9700 §4.14.2). Access tokens are self-contained JWTs and end at their {@code exp}.
     */
    void revokeFamily(String family) {
        refreshTokens.values().removeIf(g -> g.family().equals(family));
    }

    /**
     * The {@code refresh_token} grant (RFC 6749 §6): the token must be this client's, live and unused; it is
     * consumed and replaced (rotation, RFC 9700 §4.14.2). The original scope is negotiated again, or the
     * requested subset of it; the new refresh token keeps the original scope. A refresh token bound to a DPoP key
     * (a public client's, RFC 9449 §5) needs a proof of that key, and is not consumed without one.
     */
    Outcome refresh(ClientRegistration client, String refreshToken, String requestedScope, Binding binding) {
        String handle = digest(refreshToken);
        RefreshGrant grant = refreshTokens.get(handle);
        Instant now = clock.instant();
        if (grant == null) {
            RotatedToken rotated = rotatedRefreshTokens.get(handle);
            if (rotated != null) {
                // Reuse after rotation: the token was stolen or the client is confused; either way no one may
                // go on with this chain (RFC 9700 §4.14.2).
                revokeFamily(rotated.family());
            }
            return invalidGrant("the refresh token is unknown, used or expired");
        }
        if (!grant.expiresAt().isAfter(now)) {
            refreshTokens.remove(handle, grant);
            return invalidGrant("the refresh token is unknown, used or expired");
        }
        if (!grant.clientId().equals(client.clientId())) {
            // Not consumed: its owner may still use it. Same words as an unknown token: nothing to learn here.
            return invalidGrant("the refresh token is unknown, used or expired");
        }
        if (grant.jkt() != null && !grant.jkt().equals(binding.jkt())) {
            // Not consumed either: the key's holder may still use it.
            return invalidGrant("the refresh token is bound to a DPoP key: send a proof of that key (RFC 9449"
                    + " section 5)");
        }
        String scope = grant.scope().toSpaceDelimited();
        if (requestedScope != null) {
            ScopeSet subset;
            try {
                subset = ScopeSet.parse(requestedScope);
            } catch (IllegalArgumentException e) {
                return Outcome.error(400, NegotiationResult.INVALID_SCOPE, "scope is not a valid scope list");
            }
            for (String value : subset.values()) {
                if (!grant.scope().contains(value)) {
                    return Outcome.error(400, NegotiationResult.INVALID_SCOPE,
                            "scope exceeds the original grant (RFC 6749 section 6)");
                }
            }
            // offline_access stays: rotation hands out a new refresh token on every use.
            scope = subset.contains(Scope.OFFLINE_ACCESS) ? requestedScope
                    : requestedScope + " " + Scope.OFFLINE_ACCESS;
        }
        // A user's grant is negotiated against the user's scopes again: a role taken away stops the refresh.
        NegotiationResult result = grant.user() == null ? negotiator.negotiate(scope, client)
                : negotiator.negotiate(scope, client, grant.user().authorizedScopes());
        if (result instanceof NegotiationResult.Refused refused) {
            return Outcome.error(400, refused.error(), refused.description());
        }
        if (!refreshTokens.remove(handle, grant)) {
            return invalidGrant("the refresh token is unknown, used or expired");
        }
        rotatedRefreshTokens.put(handle, new RotatedToken(grant.family(), grant.expiresAt()));
        return issue(client, (NegotiationResult.Granted) result, grant.scope(), grant.user(), grant.family(), binding);
    }

    /**
     * Signs an access token for the grant, bound as {@code binding} says, and, when {@code refreshScope} is not
     * null, makes a refresh token (bound to the DPoP key too for a public client).
     */
    private Outcome issue(ClientRegistration client, NegotiationResult.Granted granted, ScopeSet refreshScope,
                          Directory.User user, String family, Binding binding) {
        Instant now = clock.instant();
        Date issuedAt = Date.from(now);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(user == null ? client.clientId() : user.name())
                .claim("client_id", client.clientId())
                .audience(new ArrayList<>(granted.audiences()))
                .issueTime(issuedAt)
                .notBeforeTime(issuedAt)
                .expirationTime(Date.from(now.plus(accessTokenTtl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", granted.scopes().toSpaceDelimited());
        if (user == null) {
            client.tenant().ifPresent(t -> claims.claim("bi_t", t));
            client.realm().ifPresent(r -> claims.claim("bi_r", r));
        } else if (user.tenant() != null) {
            // A user's token is bound where the user belongs, whatever the client's registration says.
            claims.claim("bi_t", user.tenant());
            claims.claim("bi_r", user.realm());
        }
        if (binding.cnf() != null) {
            claims.claim("cnf", binding.cnf());
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID())
                .build();
        Map<String, Object> payload = claims.build().toJSONObject();
        // Nimbus writes a one-element audience as a string; docs/architecture.md §12 promises an array, whatever its length.
        payload.put("aud", new ArrayList<>(granted.audiences()));
        JWSObject jwt = new JWSObject(header, new Payload(payload));
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the development key", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", jwt.serialize());
        body.put("token_type", binding.tokenType());
        body.put("expires_in", accessTokenTtl.toSeconds());
        body.put("scope", granted.scopes().toSpaceDelimited());
        if (refreshScope != null) {
            String refreshJkt = DemoClients.isPublic(client) ? binding.jkt() : null;
            body.put("refresh_token", newRefreshToken(client, refreshScope, now, family, user, refreshJkt));
        }
        return new Outcome(200, body);
    }

    private String newRefreshToken(ClientRegistration client, ScopeSet scope, Instant now, String family,
                                   Directory.User user, String jkt) {
        if (refreshTokens.size() > 10_000) {
            // A demo keeps tokens in memory; drop the expired ones before the map grows without bound.
            refreshTokens.values().removeIf(g -> !g.expiresAt().isAfter(now));
        }
        if (rotatedRefreshTokens.size() > 10_000) {
            rotatedRefreshTokens.values().removeIf(r -> !r.expiresAt().isAfter(now));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64URL.encode(bytes).toString();
        refreshTokens.put(digest(token), new RefreshGrant(client.clientId(), scope, now.plus(REFRESH_TOKEN_TTL),
                family, user, jkt));
        return token;
    }

    /**
     * RFC 8705 §3.1 {@code x5t#S256}: base64url SHA-256 of the certificate's DER, what a certificate-bound token's
     * {@code cnf} holds.
     */
    public static String certificateThumbprint(X509Certificate certificate) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())).toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash the certificate", e);
        }
    }

    private static Outcome invalidGrant(String description) {
        return Outcome.error(400, "invalid_grant", description);
    }

    /** Base64url SHA-256 of a token or code: what the in-memory maps key on. */
    static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64URL.encode(hash).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static Map<String, Object> openidConfiguration(Map<String, Object> metadata) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put("subject_types_supported", List.of("public"));
        return m;
    }

    private static Map<String, Object> metadata(String issuer, List<String> dpopAlgorithms, boolean tls) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("token_endpoint", issuer + TokenEndpoint.PATH);
        m.put("jwks_uri", issuer + IssuerMetadataServlet.JWKS_PATH);
        m.put("authorization_endpoint", issuer + AuthorizationEndpoint.PATH);
        m.put("introspection_endpoint", issuer + IntrospectionEndpoint.PATH);
        m.put("revocation_endpoint", issuer + RevocationEndpoint.PATH);
        m.put("grant_types_supported", List.of("client_credentials", "refresh_token", "authorization_code"));
        // "none": the public paas-cli sends its client_id only; PKCE binds its code to it (RFC 7636).
        // self_signed_tls_client_auth (RFC 8705 §2.2): mtls-client, with --tls only.
        m.put("token_endpoint_auth_methods_supported", tls
                ? List.of("client_secret_basic", "client_secret_post", "none", "self_signed_tls_client_auth")
                : List.of("client_secret_basic", "client_secret_post", "none"));
        // RFC 8414 §2: the revocation endpoint authenticates clients as the token endpoint does.
        m.put("revocation_endpoint_auth_methods_supported", m.get("token_endpoint_auth_methods_supported"));
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        // S256 only: plain would put the verifier itself in the front channel (RFC 7636 §4.2, RFC 9700 §2.1.1).
        m.put("code_challenge_methods_supported", List.of("S256"));
        // RFC 9207: the redirect carries iss, so a client talking to several issuers can tell them apart.
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("scopes_supported", new ArrayList<>(CATALOG.values()));
        // RFC 9449 §5.1: a token request with a proof of one of these gets a DPoP-bound token.
        m.put("dpop_signing_alg_values_supported", dpopAlgorithms);
        // RFC 8705 §3.3: mtls-client's tokens are bound to its certificate (served over TLS only).
        m.put("tls_client_certificate_bound_access_tokens", tls);
        return m;
    }

    private static ScopeSet catalog() {
        List<String> scopes = new ArrayList<>();
        for (String path : List.of("paas", "paas:analytics", "paas:stack")) {
            for (String qualifier : List.of("read", "write", "all")) {
                scopes.add(Scope.CONSUMER_PREFIX + ":" + path + "::" + qualifier);
            }
        }
        scopes.add(Scope.CONSUMER_ALL);
        scopes.add(Scope.ADMIN);
        scopes.add(Scope.OFFLINE_ACCESS);
        for (String resource : List.of("tenants", "realms", "applications", "groups", "identities", "credentials",
                "resource-servers", "roles")) {
            for (String action : List.of("read", "create", "update", "delete")) {
                scopes.add(resource + ":" + action);
            }
        }
        return ScopeSet.parse(String.join(" ", scopes));
    }
}
