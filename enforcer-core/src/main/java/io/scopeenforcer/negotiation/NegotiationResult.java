package io.scopeenforcer.negotiation;

import io.scopeenforcer.scope.ScopeSet;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link Negotiator#negotiate}: the scopes granted, or a refusal carrying the RFC 6749 §5.2
 * error code for the token response. A refusal is a value, not an exception: it is the client's mistake or the
 * user's choice, not the issuer's.
 */
public sealed interface NegotiationResult {

    /** RFC 6749 §5.2: the requested scope is invalid, unknown, malformed, or exceeds what the client may have. */
    String INVALID_SCOPE = "invalid_scope";
    /** RFC 6749 §4.1.2.1: the user authorized none of the requested scopes. */
    String ACCESS_DENIED = "access_denied";

    /**
     * Scopes granted.
     *
     * @param scopes what was granted, in request order: the token's {@code scope} and the token response's
     *     {@code scope} (RFC 6749 §5.1). Holds {@code offline_access} when a refresh token is granted, so the
     *     response shows it; at a resource server it grants nothing.
     * @param audiences the token's {@code aud}: {@link Negotiator#ACCOUNT_AUDIENCE} when a URN consumer scope is
     *     granted, then the resource server's identifier when any other scope (but {@code offline_access}) is
     *     granted; never empty
     * @param refreshToken true when {@code offline_access} was granted: issue a refresh token
     */
    record Granted(ScopeSet scopes, List<String> audiences, boolean refreshToken) implements NegotiationResult {

        /**
         * Checks and copies the components.
         *
         * @throws NullPointerException if {@code scopes} or {@code audiences} is null
         * @throws IllegalArgumentException if {@code scopes} or {@code audiences} is empty: a grant of nothing is
         *     a refusal
         */
        public Granted {
            Objects.requireNonNull(scopes, "scopes");
            audiences = List.copyOf(audiences);
            if (scopes.isEmpty() || audiences.isEmpty()) {
                throw new IllegalArgumentException("a grant needs scopes and audiences");
            }
        }
    }

    /**
     * Nothing granted.
     *
     * @param error {@link #INVALID_SCOPE} or {@link #ACCESS_DENIED}
     * @param description the {@code error_description}: human-readable, RFC 6749 §5.2 characters only, naming
     *     at most a short sanitized fragment of the request
     */
    record Refused(String error, String description) implements NegotiationResult {

        /**
         * Checks the components.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code error} is not one of the two codes
         */
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(description, "description");
            if (!INVALID_SCOPE.equals(error) && !ACCESS_DENIED.equals(error)) {
                throw new IllegalArgumentException("error must be invalid_scope or access_denied");
            }
        }
    }
}
