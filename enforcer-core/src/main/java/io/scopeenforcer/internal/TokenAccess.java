package io.scopeenforcer.internal;

import io.scopeenforcer.token.TokenVerifier;
import java.util.Objects;

/**
 * The engine's way into the verifier: one verification that also hands back the token's cache entry (as a
 * {@link Verification}), so that the engine's per-token decisions need no second cache and no second probe.
 * {@link TokenVerifier} installs the door when its class initializes; users call {@link TokenVerifier#verify}.
 */
public final class TokenAccess {

    /** The verifier's side of the door. */
    public interface Door {
        /** {@link TokenVerifier#verify} of {@code source[from, to)}, with the token's cache entry. */
        Verification verify(TokenVerifier verifier, String source, int from, int to);
    }

    private static volatile Door door;

    private TokenAccess() {
    }

    /**
     * Installs the door; called once by {@link TokenVerifier}'s static initializer.
     *
     * @throws IllegalStateException when called again
     */
    public static void install(Door verify) {
        if (door != null) {
            throw new IllegalStateException("TokenAccess is already installed");
        }
        door = Objects.requireNonNull(verify, "verify");
    }

    /**
     * Verifies the token {@code source[from, to)} (e.g. the part of an {@code Authorization} header after
     * {@code Bearer }) as {@link TokenVerifier#verify} does, with its cache entry. A cached token is looked up
     * without copying it out of {@code source}.
     */
    public static Verification verify(TokenVerifier verifier, String source, int from, int to) {
        // A TokenVerifier instance exists, so its class is initialized and the door installed.
        return door.verify(Objects.requireNonNull(verifier, "verifier"), source, from, to);
    }
}
