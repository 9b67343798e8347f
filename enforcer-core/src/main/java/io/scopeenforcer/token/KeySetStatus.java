package io.scopeenforcer.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one trusted issuer's keys stand: whether any are in hand, how many, and how the JWKS fetches went. A
 * snapshot for readiness checks and metrics ({@link TrustedIssuer#keyStatus()}); immutable.
 *
 * <p>For a fixed key source ({@code jwksFile}, {@code jwkSet}, {@code sharedSecret}) the keys are loaded from the
 * start and nothing is ever fetched.
 *
 * @param issuer the issuer's exact {@code iss} value
 * @param source the key source as configured ({@code jwksUri https://...}, {@code jwksFile ...}, {@code jwkSet},
 *     {@code sharedSecret}); never a secret
 * @param loaded true while a key set is in hand: for a JWKS URI, from a successful fetch for as long as the cache
 *     serves that set (its TTL plus the outage tolerance, during which it is kept while the URI fails)
 * @param keyCount keys in the last set fetched or loaded; 0 before any
 * @param lastSuccess when the last successful fetch ended (or the fixed keys were loaded); null before any
 * @param lastFailure when the last failed fetch ended; null when none failed
 * @param lastError the last failed fetch's cause, as the exception class and a short sanitized fragment of its
 *     message (the body the JWKS URI answered may be anything); null when none failed
 * @param fetches JWKS fetches that succeeded
 * @param failures JWKS fetches that failed
 */
public record KeySetStatus(String issuer, String source, boolean loaded, int keyCount, Instant lastSuccess,
        Instant lastFailure, String lastError, long fetches, long failures) {

    /** Checks the required parts. */
    public KeySetStatus {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(source, "source");
    }

    /** How old the key set is at {@code now}: since {@link #lastSuccess()}; null before any. */
    public Duration age(Instant now) {
        return lastSuccess == null ? null : Duration.between(lastSuccess, now);
    }
}
