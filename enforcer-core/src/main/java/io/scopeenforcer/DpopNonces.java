package io.scopeenforcer;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9), stateless: a nonce is base64url(HMAC-SHA256(key, origin and
 * time step)), where the time step is the clock divided by the lifetime. The nonces of the current and the
 * previous step are accepted, so a nonce works for at least one lifetime and at most two; nothing is stored per
 * client, and every instance configured with the same key and origin (and clocks that agree to well within the
 * lifetime) accepts the nonces of every other. Both accepted nonces are computed once per step and compared in
 * constant time, so checking costs no MAC per request. Immutable in effect and thread-safe.
 */
final class DpopNonces {

    /** How a proof's nonce compares with the nonces of now. */
    enum Match {
        /** The current step's nonce. */
        CURRENT,
        /** The previous step's: still accepted, and the client should be given the current one. */
        PREVIOUS,
        /** Absent, forged, from another key or origin, or older than the previous step. */
        NONE
    }

    /** The two accepted nonces of one step. */
    private record Step(long step, String current, String previous) {
    }

    private final byte[] key;
    private final String origin;
    private final long lifetimeMillis;
    private final Clock clock;
    private volatile Step step;

    DpopNonces(byte[] key, String origin, Duration lifetime, Clock clock) {
        this.key = key.clone();
        this.origin = origin;
        this.lifetimeMillis = lifetime.toMillis();
        this.clock = clock;
    }

    /** The nonce to hand a client now ({@code DPoP-Nonce}). */
    String current() {
        return step().current();
    }

    /** How {@code nonce}, a proof's {@code nonce} claim, compares with the accepted ones. */
    Match match(String nonce) {
        Step now = step();
        byte[] presented = nonce.getBytes(StandardCharsets.US_ASCII);
        if (MessageDigest.isEqual(presented, now.current().getBytes(StandardCharsets.US_ASCII))) {
            return Match.CURRENT;
        }
        if (MessageDigest.isEqual(presented, now.previous().getBytes(StandardCharsets.US_ASCII))) {
            return Match.PREVIOUS;
        }
        return Match.NONE;
    }

    private Step step() {
        long index = Math.floorDiv(clock.millis(), lifetimeMillis);
        Step known = step;
        if (known != null && known.step() == index) {
            return known;
        }
        // A race computes the same values twice; either write is right.
        Step fresh = new Step(index, nonce(index), known != null && known.step() == index - 1 ? known.current()
                : nonce(index - 1));
        step = fresh;
        return fresh;
    }

    /** The nonce of time step {@code index}: the origin keeps one API's nonces from another's sharing the key. */
    private String nonce(long index) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(("DPoP-Nonce " + origin + " " + index).getBytes(StandardCharsets.US_ASCII));
            return Base64URL.encode(mac.doFinal()).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is a required JDK algorithm", e);
        }
    }
}
