package io.scopeenforcer.token;

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
     */
    record Invalid(TokenFailure failure, String description) implements TokenResult {
        /** Checks neither part is null. */
        public Invalid {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(description, "description");
        }

        /** The failure with its standard description. */
        static Invalid of(TokenFailure failure) {
            return new Invalid(failure, failure.description());
        }
    }
}
