package io.scopeenforcer.token;

import com.nimbusds.jose.KeySourceException;

/**
 * Thrown by {@link IssuerKeySelector} through Nimbus's processor when no key matches the token's
 * {@code kid} and algorithm, so that the verifier can tell {@link TokenFailure#UNKNOWN_KEY} from a fetch
 * failure without reading exception messages. Carries no stack trace: a flood of unknown {@code kid}s must
 * stay cheap.
 */
final class UnknownKeyException extends KeySourceException {

    private static final long serialVersionUID = 1L;

    UnknownKeyException() {
        super("no key matches the token's kid and algorithm");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
