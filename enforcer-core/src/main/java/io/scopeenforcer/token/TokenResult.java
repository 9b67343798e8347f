package io.scopeenforcer.token;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link TokenVerifier#verify(String)}: a verified token, or a failure with a reason.
 * A value, never an exception (docs/architecture.md §14.4). Immutable and thread-safe.
 */
public sealed interface TokenResult permits TokenResult.Valid, TokenResult.Invalid {

    /**
     * The token verified.
     *
     * @param token the verified token
     */
    record Valid(VerifiedToken token) implements TokenResult {
        /** Checks the token is not null. */
        public Valid {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * The token was not accepted.
     *
     * @param failure why
     * @param description a short text safe to send to a client, e.g. as an RFC 6750
     *     {@code error_description}: it never holds token content
     * @param tokenIssuer for {@link TokenFailure#WRONG_ISSUER} and {@link TokenFailure#WRONG_AUDIENCE}, the
     *     token's own {@code iss} (null when it has none), else null. Untrusted and, for a wrong issuer, unverified:
     *     for an operator's log line, quoted ({@code UntrustedText.quote}); never sent to the client
     * @param tokenAudiences for {@link TokenFailure#WRONG_ISSUER} and {@link TokenFailure#WRONG_AUDIENCE}, the
     *     token's own {@code aud} values (at most {@value #MAX_AUDIENCES}), else empty; untrusted as above
     */
    record Invalid(TokenFailure failure, String description, String tokenIssuer, List<String> tokenAudiences)
            implements TokenResult {

        /** The most {@code aud} values kept for a log line: the claim may be a long array. */
        public static final int MAX_AUDIENCES = 4;

        /** Checks failure and description are not null; keeps at most {@value #MAX_AUDIENCES} audiences. */
        public Invalid {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(description, "description");
            tokenAudiences = tokenAudiences == null ? List.of()
                    : List.copyOf(tokenAudiences.subList(0, Math.min(MAX_AUDIENCES, tokenAudiences.size())));
        }

        /** A failure without the token's {@code iss} and {@code aud}. */
        public Invalid(TokenFailure failure, String description) {
            this(failure, description, null, List.of());
        }

        /** The failure with its standard description. */
        static Invalid of(TokenFailure failure) {
            return new Invalid(failure, failure.description());
        }

        /** The failure with its standard description and the token's own issuer and audiences. */
        static Invalid of(TokenFailure failure, String tokenIssuer, List<String> tokenAudiences) {
            List<String> audiences = new java.util.ArrayList<>();
            if (tokenAudiences != null) {
                for (String aud : tokenAudiences) {
                    if (aud != null && audiences.size() < MAX_AUDIENCES) {
                        audiences.add(aud);
                    }
                }
            }
            return new Invalid(failure, failure.description(), tokenIssuer, audiences);
        }
    }
}
