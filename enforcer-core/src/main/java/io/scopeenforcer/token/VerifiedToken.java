package io.scopeenforcer.token;

import io.scopeenforcer.scope.ScopeSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An access token whose signature and claims have been verified: who it is for, what it grants, until when.
 * Immutable and thread-safe. It does not hold the token string, so logging it never leaks a credential.
 */
public final class VerifiedToken {

    private final String issuer;
    private final String subject;
    private final String clientId;
    private final List<String> audiences;
    private final ScopeSet scopes;
    private final String tenant;
    private final String realm;
    /** The {@code {tenant}} and {@code {realm}} of the issuer template the {@code iss} matched; null otherwise. */
    private final String issuerTenant;
    private final String issuerRealm;
    private final Instant expiresAt;
    private final Map<String, Object> claims;
    /** The {@code cnf} claim when it is an object, read once so the bearer path pays one field read for it. */
    private final Map<String, Object> confirmation;

    private VerifiedToken(Builder b) {
        this.issuer = Objects.requireNonNull(b.issuer, "issuer");
        this.clientId = b.clientId;
        // RFC 9068 requires sub, but client_credentials tokens of several issuers omit it; the client then
        // is the principal.
        this.subject = b.subject != null ? b.subject : Objects.requireNonNull(b.clientId, "subject or clientId");
        this.audiences = List.copyOf(b.audiences);
        this.scopes = Objects.requireNonNull(b.scopes, "scopes");
        this.tenant = b.tenant;
        this.realm = b.realm;
        this.issuerTenant = b.issuerTenant;
        this.issuerRealm = b.issuerRealm;
        this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
        this.claims = Objects.requireNonNull(b.claims, "claims");
        this.confirmation = confirmation(claims.get("cnf"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> confirmation(Object cnf) {
        // claims() is frozen with String keys at every level; a cnf that is not an object binds nothing, and
        // the engine refuses such a token only where a binding is required.
        return cnf instanceof Map<?, ?> map && !map.isEmpty() ? (Map<String, Object>) map : null;
    }

    static Builder newBuilder() {
        return new Builder();
    }

    /**
     * The {@code iss} claim: one of the trusted issuers, exactly as configured, or an {@code iss} that matched a
     * trusted {@linkplain TrustedIssuer#issuerTemplate(String) issuer template}.
     */
    public String issuer() {
        return issuer;
    }

    /**
     * The {@code sub} claim or, when the token has none (as some issuers do for {@code client_credentials}
     * tokens), the {@linkplain #clientId() client id}. Never null: a token naming neither is rejected as
     * malformed.
     */
    public String subject() {
        return subject;
    }

    /** The {@code client_id} claim, else {@code azp}, else {@code cid}; null when the token has none. */
    public String clientId() {
        return clientId;
    }

    /** The {@code aud} values (a single string becomes a one-element list), unmodifiable. */
    public List<String> audiences() {
        return audiences;
    }

    /** The granted scopes, read from the configured scope claims; values that are not scope-tokens are dropped. */
    public ScopeSet scopes() {
        return scopes;
    }

    /** The tenant claim ({@code bi_t} by default); null when absent. */
    public String tenant() {
        return tenant;
    }

    /** The realm claim ({@code bi_r} by default); null when absent. */
    public String realm() {
        return realm;
    }

    /**
     * The tenant of the token's issuer: the {@code {tenant}} of the issuer template its {@code iss} matched (in
     * {@code .../tenants/acme/...}, {@code acme}); null when its issuer is not a template's. On a tenant-bound route
     * it must be the route's tenant, whatever the tenant claim says.
     */
    public String issuerTenant() {
        return issuerTenant;
    }

    /** The {@code {realm}} of the issuer template its {@code iss} matched; null when none was matched. */
    public String issuerRealm() {
        return issuerRealm;
    }

    /** The {@code exp} claim. The token is accepted until this instant plus the issuer's clock skew. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Every claim as parsed from JSON, unmodifiable all the way down: strings, {@code Long} or {@code Double}
     * numbers (dates such as {@code exp} as epoch seconds), booleans, lists, maps and nulls.
     */
    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * The RFC 7800 {@code cnf} (confirmation) claim when it is a non-empty object, else null: {@code jkt} binds the
     * token to a DPoP key (RFC 9449 §6), {@code x5t#S256} to a TLS client certificate (RFC 8705 §3.1).
     */
    public Map<String, Object> confirmation() {
        return confirmation;
    }

    /** Issuer, subject, client, scopes and expiry; never the token itself. */
    @Override
    public String toString() {
        return "VerifiedToken[issuer=" + issuer + ", subject=" + subject + ", clientId=" + clientId
                + ", scopes=" + scopes + ", expiresAt=" + expiresAt + "]";
    }

    /** Assembles a verified token; used by {@link TokenVerifier} only. Not thread-safe. */
    static final class Builder {
        private String issuer;
        private String subject;
        private String clientId;
        private List<String> audiences = List.of();
        private ScopeSet scopes = ScopeSet.empty();
        private String tenant;
        private String realm;
        private String issuerTenant;
        private String issuerRealm;
        private Instant expiresAt;
        private Map<String, Object> claims = Map.of();

        private Builder() {
        }

        Builder issuer(String value) {
            this.issuer = value;
            return this;
        }

        Builder subject(String value) {
            this.subject = value;
            return this;
        }

        Builder clientId(String value) {
            this.clientId = value;
            return this;
        }

        Builder audiences(List<String> value) {
            this.audiences = value;
            return this;
        }

        Builder scopes(ScopeSet value) {
            this.scopes = value;
            return this;
        }

        Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        Builder realm(String value) {
            this.realm = value;
            return this;
        }

        Builder issuerTenant(String value) {
            this.issuerTenant = value;
            return this;
        }

        Builder issuerRealm(String value) {
            this.issuerRealm = value;
            return this;
        }

        Builder expiresAt(Instant value) {
            this.expiresAt = value;
            return this;
        }

        Builder claims(Map<String, Object> value) {
            this.claims = value;
            return this;
        }

        VerifiedToken build() {
            return new VerifiedToken(this);
        }
    }
}
