package io.scopeenforcer.negotiation;

import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.util.Objects;
import java.util.Optional;

/**
 * A client as the issuer knows it (docs/architecture.md §6, §12): the scopes it may be granted, the scopes it gets when it
 * asks for none, whether it may have refresh tokens, and the tenant and realm the issuer puts in its tokens.
 *
 * <pre>
 *   ClientRegistration paasReader = ClientRegistration.newBuilder("paas-reader")
 *       .allowedScopes("urn:opc:resource:consumer:paas::read")
 *       .refreshTokens(true)
 *       .build();
 * </pre>
 *
 * <p>Refresh tokens are allowed by {@link Builder#refreshTokens(boolean)}, not by listing {@code offline_access}
 * among the allowed scopes, so there is one switch for them. Immutable and thread-safe.
 */
public final class ClientRegistration {

    private final String clientId;
    private final ScopeSet allowedScopes;
    private final ScopeSet defaultScopes;
    private final boolean refreshTokensAllowed;
    private final String tenant;
    private final String realm;

    private ClientRegistration(Builder b) {
        this.clientId = b.clientId;
        this.allowedScopes = b.allowedScopes;
        this.defaultScopes = b.defaultScopes == null ? ScopeSet.empty() : b.defaultScopes;
        this.refreshTokensAllowed = b.refreshTokens != null && b.refreshTokens;
        this.tenant = b.tenant;
        this.realm = b.realm;
    }

    /**
     * Starts a registration for {@code clientId}.
     *
     * @throws NullPointerException if {@code clientId} is null
     * @throws IllegalArgumentException if {@code clientId} is empty or has a character outside RFC 6749's
     *     VSCHAR (printable ASCII and space)
     */
    public static Builder newBuilder(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        if (clientId.isEmpty() || !clientId.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw new IllegalArgumentException("clientId must be non-empty printable ASCII: "
                    + UntrustedText.quote(clientId));
        }
        return new Builder(clientId);
    }

    /** The client identifier ({@code client_id}). */
    public String clientId() {
        return clientId;
    }

    /**
     * The scopes this client may be granted. A requested scope must be satisfied by one of them, directly or
     * hierarchically: {@code urn:opc:resource:consumer:paas::read} allows {@code ...:paas:analytics::read}, and
     * {@code urn:opc:resource:consumer::all} allows every URN consumer scope (account mode).
     */
    public ScopeSet allowedScopes() {
        return allowedScopes;
    }

    /** The scopes granted when the client requests none; empty when the client must always ask. */
    public ScopeSet defaultScopes() {
        return defaultScopes;
    }

    /** True when the client may request {@code offline_access} and so receive refresh tokens. */
    public boolean refreshTokensAllowed() {
        return refreshTokensAllowed;
    }

    /** The tenant the issuer binds this client's tokens to (claim {@code bi_t}), if any. */
    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** The realm the issuer binds this client's tokens to (claim {@code bi_r}; {@code *} for all), if any. */
    public Optional<String> realm() {
        return Optional.ofNullable(realm);
    }

    /** The client id and settings; there is no secret in a registration. */
    @Override
    public String toString() {
        return "ClientRegistration[clientId=" + clientId + ", allowedScopes=" + allowedScopes
                + ", defaultScopes=" + defaultScopes + ", refreshTokens=" + refreshTokensAllowed
                + ", tenant=" + tenant + ", realm=" + realm + "]";
    }

    /** Builds a {@link ClientRegistration}; each setting may be given once. Not thread-safe. */
    public static final class Builder {

        private final String clientId;
        private ScopeSet allowedScopes;
        private ScopeSet defaultScopes;
        private Boolean refreshTokens;
        private String tenant;
        private String realm;

        private Builder(String clientId) {
            this.clientId = clientId;
        }

        /**
         * The scopes the client may be granted, space-delimited. Required.
         *
         * @throws NullPointerException if {@code spaceDelimited} is null
         * @throws IllegalArgumentException if it is not a strict RFC 6749 scope list, or holds a malformed URN
         *     consumer scope or {@code offline_access} (use {@link #refreshTokens(boolean)})
         * @throws IllegalStateException if the allowed scopes were already set
         */
        public Builder allowedScopes(String spaceDelimited) {
            Settings.once(allowedScopes, "allowedScopes");
            return allowedScopes(parse("allowedScopes", spaceDelimited));
        }

        /**
         * The scopes the client may be granted. Required.
         *
         * @throws NullPointerException if {@code scopes} is null
         * @throws IllegalArgumentException if it holds a malformed URN consumer scope or {@code offline_access}
         *     (use {@link #refreshTokens(boolean)})
         * @throws IllegalStateException if the allowed scopes were already set
         */
        public Builder allowedScopes(ScopeSet scopes) {
            Objects.requireNonNull(scopes, "scopes");
            Settings.once(allowedScopes, "allowedScopes");
            rejectMalformed("allowedScopes", scopes);
            if (scopes.contains(Scope.OFFLINE_ACCESS)) {
                // One switch for refresh tokens: a scope in this list and the flag could otherwise disagree.
                throw new IllegalArgumentException(
                        "allowedScopes: offline_access is not an allowed scope; use refreshTokens(true)");
            }
            this.allowedScopes = scopes;
            return this;
        }

        /**
         * The scopes granted when the client requests none, space-delimited. Optional: without them a request
         * with no scope is refused with {@code invalid_scope}. Each must be satisfied by the allowed scopes;
         * {@code offline_access} needs {@code refreshTokens(true)}.
         *
         * @throws NullPointerException if {@code spaceDelimited} is null
         * @throws IllegalArgumentException if it is not a strict RFC 6749 scope list or holds a malformed URN
         *     consumer scope
         * @throws IllegalStateException if the default scopes were already set
         */
        public Builder defaultScopes(String spaceDelimited) {
            Settings.once(defaultScopes, "defaultScopes");
            ScopeSet scopes = parse("defaultScopes", spaceDelimited);
            rejectMalformed("defaultScopes", scopes);
            this.defaultScopes = scopes;
            return this;
        }

        /**
         * Whether the client may request {@code offline_access} and receive refresh tokens. Default: false.
         *
         * @throws IllegalStateException if this was already set
         */
        public Builder refreshTokens(boolean allowed) {
            Settings.once(refreshTokens, "refreshTokens");
            this.refreshTokens = allowed;
            return this;
        }

        /**
         * The tenant to bind the client's tokens to ({@code bi_t}). Carried for the issuer; negotiation does not
         * use it.
         *
         * @throws NullPointerException if {@code tenant} is null
         * @throws IllegalArgumentException if {@code tenant} is empty or not printable ASCII
         * @throws IllegalStateException if the tenant was already set
         */
        public Builder tenant(String tenant) {
            Settings.once(this.tenant, "tenant");
            this.tenant = checkName("tenant", tenant);
            return this;
        }

        /**
         * The realm to bind the client's tokens to ({@code bi_r}; {@code *} for every realm of the tenant).
         * Needs a tenant. Carried for the issuer; negotiation does not use it.
         *
         * @throws NullPointerException if {@code realm} is null
         * @throws IllegalArgumentException if {@code realm} is empty or not printable ASCII
         * @throws IllegalStateException if the realm was already set
         */
        public Builder realm(String realm) {
            Settings.once(this.realm, "realm");
            this.realm = checkName("realm", realm);
            return this;
        }

        /**
         * Builds the registration.
         *
         * @throws IllegalStateException if {@code allowedScopes} is missing, if a default scope is not satisfied
         *     by the allowed scopes (or is {@code offline_access} without refresh tokens, or alone), if the
         *     defaults combine {@code consumer::all} with another scope, or if a realm is set without a tenant
         */
        public ClientRegistration build() {
            if (allowedScopes == null) {
                throw new IllegalStateException("allowedScopes is required");
            }
            if (realm != null && tenant == null) {
                throw new IllegalStateException("realm needs a tenant: a realm is only meaningful within one");
            }
            if (defaultScopes != null) {
                checkDefaults();
            }
            return new ClientRegistration(this);
        }

        /** Defaults are granted without being asked for, so they must pass the rules a request would. */
        private void checkDefaults() {
            boolean refresh = refreshTokens != null && refreshTokens;
            boolean consumerAll = false;
            boolean other = false;
            for (Scope scope : defaultScopes.scopes()) {
                if (scope.value().equals(Scope.OFFLINE_ACCESS)) {
                    if (!refresh) {
                        throw new IllegalStateException(
                                "defaultScopes has offline_access but refreshTokens is not true");
                    }
                    continue;
                }
                if (!allowedScopes.satisfies(scope, false)) {
                    throw new IllegalStateException("defaultScopes: " + UntrustedText.quote(scope.value())
                            + " is not satisfied by allowedScopes");
                }
                consumerAll |= scope.isConsumerAll();
                other |= !scope.isConsumerAll();
            }
            if (consumerAll && other) {
                throw new IllegalStateException(
                        "defaultScopes combines urn:opc:resource:consumer::all with another scope");
            }
            if (!consumerAll && !other && !defaultScopes.isEmpty()) {
                throw new IllegalStateException("defaultScopes has only offline_access, which grants nothing");
            }
        }

        private static ScopeSet parse(String setting, String spaceDelimited) {
            Objects.requireNonNull(spaceDelimited, setting);
            try {
                return ScopeSet.parse(spaceDelimited);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
            }
        }

        private static void rejectMalformed(String setting, ScopeSet scopes) {
            for (Scope scope : scopes.scopes()) {
                if (scope.kind() == Scope.Kind.MALFORMED_CONSUMER_URN) {
                    throw new IllegalArgumentException(
                            setting + ": malformed URN consumer scope " + UntrustedText.quote(scope.value()));
                }
            }
        }

        private static String checkName(String setting, String value) {
            Objects.requireNonNull(value, setting);
            if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c <= 0x7E)) {
                throw new IllegalArgumentException(
                        setting + " must be non-empty printable ASCII without spaces: " + UntrustedText.quote(value));
            }
            return value;
        }
    }
}
