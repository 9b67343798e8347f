package io.scopeenforcer.negotiation;

import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.negotiation.NegotiationResult.Granted;
import io.scopeenforcer.negotiation.NegotiationResult.Refused;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The issuer side of the scope rules (docs/architecture.md §6): decides which scopes a token request gets, whether it gets a
 * refresh token, and the token's audiences.
 *
 * <ol>
 *   <li>No scope requested (null or empty): the client's default scopes are requested instead; none →
 *       {@code invalid_scope}.</li>
 *   <li>The request is parsed strictly (RFC 6749 §3.3: single spaces, scope-token characters); duplicates
 *       collapse. A bad token or a malformed URN consumer scope → {@code invalid_scope}.</li>
 *   <li>{@code urn:opc:resource:consumer::all} with any scope but {@code offline_access} →
 *       {@code invalid_scope}.</li>
 *   <li>Each scope must be in the catalog, and satisfied by one of the client's allowed scopes, directly or
 *       hierarchically ({@link Scope#satisfies}); a client allowed {@code consumer::all} may so request any URN
 *       consumer scope of the catalog (account mode). {@code offline_access} is instead allowed by
 *       {@link ClientRegistration#refreshTokensAllowed()}. Otherwise {@code invalid_scope} naming the scope.
 *       {@code offline_access} alone → {@code invalid_scope}: it grants nothing.</li>
 *   <li>With a user (authorization_code): scopes the user's authorized scopes do not satisfy are dropped;
 *       nothing but {@code offline_access} left → {@code access_denied}.</li>
 * </ol>
 *
 * <p>{@code offline_access} stays in the granted scopes so that the token response tells the client it has a
 * refresh token (RFC 6749 §5.1 "scope"); it adds no audience and grants nothing at a resource server.
 *
 * <p>Immutable and thread-safe.
 */
public final class Negotiator {

    /** The audience of tokens that carry a URN consumer scope. */
    public static final String ACCOUNT_AUDIENCE = "urn:opc:resource:scope:account";

    private final ScopeSet catalog;
    private final String resourceServerAudience;

    private Negotiator(Builder b) {
        this.catalog = b.catalog;
        this.resourceServerAudience = b.resourceServerAudience;
    }

    /** Starts a negotiator; {@link Builder#catalog(ScopeSet)} is required. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Negotiates a request without a user (client_credentials, refresh_token).
     *
     * @param requestedScope the request's {@code scope} parameter; null or empty when not given
     * @param client the authenticated client
     * @return the grant, or a refusal with {@code invalid_scope}
     * @throws NullPointerException if {@code client} is null
     */
    public NegotiationResult negotiate(String requestedScope, ClientRegistration client) {
        Objects.requireNonNull(client, "client");
        return negotiateFor(requestedScope, client, null);
    }

    /**
     * Negotiates a request on behalf of a user (authorization_code): requested scopes the user is not authorized
     * for are dropped, and the grant says what is left.
     *
     * @param requestedScope the request's {@code scope} parameter; null or empty when not given
     * @param client the authenticated client
     * @param userAuthorizedScopes the user's scopes (roles, directly or through groups); they satisfy requested
     *     scopes hierarchically, as a client's allowed scopes do
     * @return the grant, or a refusal with {@code invalid_scope} (the request itself is wrong) or
     *     {@code access_denied} (the user authorized none of it)
     * @throws NullPointerException if {@code client} or {@code userAuthorizedScopes} is null
     */
    public NegotiationResult negotiate(String requestedScope, ClientRegistration client,
                                       ScopeSet userAuthorizedScopes) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(userAuthorizedScopes, "userAuthorizedScopes");
        return negotiateFor(requestedScope, client, userAuthorizedScopes);
    }

    private NegotiationResult negotiateFor(String requestedScope, ClientRegistration client, ScopeSet user) {
        List<Scope> requested = new ArrayList<>();
        if (requestedScope == null || requestedScope.isEmpty()) {
            if (client.defaultScopes().isEmpty()) {
                return invalidScope("no scope requested and the client has no default scopes");
            }
            requested.addAll(client.defaultScopes().scopes());
        } else {
            Refused bad = parseStrictly(requestedScope, requested);
            if (bad != null) {
                return bad;
            }
        }

        Refused refused = checkConsumerAllAlone(requested);
        if (refused != null) {
            return refused;
        }
        for (Scope scope : requested) {
            refused = checkAllowed(scope, client);
            if (refused != null) {
                return refused;
            }
        }
        if (!grantsSomething(requested)) {
            return invalidScope("offline_access alone grants nothing; request it with another scope");
        }

        List<Scope> granted = requested;
        if (user != null) {
            granted = new ArrayList<>();
            for (Scope scope : requested) {
                if (isOfflineAccess(scope) || user.satisfies(scope, false)) {
                    granted.add(scope);
                }
            }
            if (!grantsSomething(granted)) {
                return new Refused(NegotiationResult.ACCESS_DENIED,
                        "the user has not authorized any of the requested scopes");
            }
        }
        return grant(granted);
    }

    /** Fills {@code out} with the distinct scopes of {@code text}, or returns why the text is not a scope list. */
    private static Refused parseStrictly(String text, List<Scope> out) {
        Map<String, Scope> distinct = new LinkedHashMap<>();
        for (String token : text.split(" ", -1)) {
            if (token.isEmpty()) {
                return invalidScope("scope has a leading, trailing or doubled space");
            }
            if (!ScopeAccess.scopes().isScopeToken(token)) {
                return invalidScope("not a valid scope: " + UntrustedText.quote(token));
            }
            Scope scope = Scope.parse(token);
            if (!scope.isRequirable()) {
                return invalidScope("malformed URN consumer scope: " + UntrustedText.quote(token));
            }
            distinct.putIfAbsent(token, scope);
        }
        out.addAll(distinct.values());
        return null;
    }

    /** Account-wide access is asked for on its own, so a client cannot blur it with narrower scopes. */
    private static Refused checkConsumerAllAlone(List<Scope> requested) {
        boolean consumerAll = requested.stream().anyMatch(Scope::isConsumerAll);
        if (!consumerAll) {
            return null;
        }
        for (Scope scope : requested) {
            if (!scope.isConsumerAll() && !isOfflineAccess(scope)) {
                return invalidScope(Scope.CONSUMER_ALL + " cannot be requested with " + UntrustedText.quote(scope.value())
                        + "; only offline_access may accompany it");
            }
        }
        return null;
    }

    private Refused checkAllowed(Scope scope, ClientRegistration client) {
        if (!catalog.contains(scope.value())) {
            return invalidScope("unknown scope: " + UntrustedText.quote(scope.value()));
        }
        // From here the scope is one of the catalog's, not attacker text: it is named in full.
        if (isOfflineAccess(scope)) {
            return client.refreshTokensAllowed()
                    ? null
                    : invalidScope("offline_access is not allowed: this client may not have refresh tokens");
        }
        if (!client.allowedScopes().satisfies(scope, false)) {
            return invalidScope("scope '" + scope.value() + "' is not allowed for this client");
        }
        return null;
    }

    private Granted grant(List<Scope> granted) {
        boolean consumer = false;
        boolean other = false;
        for (Scope scope : granted) {
            consumer |= scope.isConsumerUrn();
            other |= !scope.isConsumerUrn() && !isOfflineAccess(scope);
        }
        List<String> audiences = new ArrayList<>(2);
        if (consumer) {
            audiences.add(ACCOUNT_AUDIENCE);
        }
        if (other) {
            audiences.add(resourceServerAudience);
        }
        boolean refresh = granted.stream().anyMatch(Negotiator::isOfflineAccess);
        return new Granted(ScopeSet.of(granted), audiences, refresh);
    }

    private static boolean grantsSomething(List<Scope> scopes) {
        return scopes.stream().anyMatch(s -> !isOfflineAccess(s));
    }

    private static boolean isOfflineAccess(Scope scope) {
        return Scope.OFFLINE_ACCESS.equals(scope.value());
    }

    private static Refused invalidScope(String description) {
        return new Refused(NegotiationResult.INVALID_SCOPE, description);
    }

    /**
     * A short sanitized fragment of request text. RFC 6749 §5.2 forbids {@code "} and {@code \} in an
     * {@code error_description}; {@link UntrustedText#quote} already replaces them inside the fragment, so only
     * its double-quote delimiters are swapped for single quotes.
     */
    /** Builds a {@link Negotiator}; each setting may be given once. Not thread-safe. */
    public static final class Builder {

        private ScopeSet catalog;
        private String resourceServerAudience;

        private Builder() {
        }

        /**
         * The scopes that exist: a requested scope must be one of them exactly (hierarchy decides what a client
         * may have, not what exists). Required. Put {@code offline_access} in it to allow refresh tokens at all.
         *
         * @throws NullPointerException if {@code existingScopes} is null
         * @throws IllegalArgumentException if it is empty or holds a malformed URN consumer scope
         * @throws IllegalStateException if the catalog was already set
         */
        public Builder catalog(ScopeSet existingScopes) {
            Objects.requireNonNull(existingScopes, "existingScopes");
            Settings.once(catalog, "catalog");
            if (existingScopes.isEmpty()) {
                throw new IllegalArgumentException("catalog is empty: no scope could ever be granted");
            }
            for (Scope scope : existingScopes.scopes()) {
                if (!scope.isRequirable()) {
                    throw new IllegalArgumentException(
                            "catalog: malformed URN consumer scope " + UntrustedText.quote(scope.value()));
                }
            }
            this.catalog = existingScopes;
            return this;
        }

        /**
         * The resource server's identifier, the audience of tokens carrying any scope but URN consumer scopes
         * and {@code offline_access} ({@code applications:read}, the admin scope...). Required when the catalog
         * has such a scope.
         *
         * @throws NullPointerException if {@code identifier} is null
         * @throws IllegalArgumentException if it is empty, has a space, control or non-ASCII character, or is
         *     {@link #ACCOUNT_AUDIENCE} (tokens for the two kinds of scope must stay apart)
         * @throws IllegalStateException if the audience was already set
         */
        public Builder resourceServerAudience(String identifier) {
            Objects.requireNonNull(identifier, "identifier");
            Settings.once(resourceServerAudience, "resourceServerAudience");
            if (identifier.isEmpty() || !identifier.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException("resourceServerAudience must be non-empty printable ASCII "
                        + "without spaces: " + UntrustedText.quote(identifier));
            }
            if (identifier.equals(ACCOUNT_AUDIENCE)) {
                throw new IllegalArgumentException("resourceServerAudience must differ from " + ACCOUNT_AUDIENCE);
            }
            this.resourceServerAudience = identifier;
            return this;
        }

        /**
         * Builds the negotiator.
         *
         * @throws IllegalStateException if {@code catalog} is missing, or {@code resourceServerAudience} is missing
         *     while the catalog has a scope that needs it
         */
        public Negotiator build() {
            if (catalog == null) {
                throw new IllegalStateException("catalog is required");
            }
            if (resourceServerAudience == null) {
                for (Scope scope : catalog.scopes()) {
                    if (!scope.isConsumerUrn() && !isOfflineAccess(scope)) {
                        throw new IllegalStateException("resourceServerAudience is required: the catalog has "
                                + UntrustedText.quote(scope.value()) + ", which is not a URN consumer scope");
                    }
                }
            }
            return new Negotiator(this);
        }
    }
}
