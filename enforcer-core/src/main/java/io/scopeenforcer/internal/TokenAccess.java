package io.scopeenforcer.internal;

import io.scopeenforcer.token.TokenVerifier;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The engine's way into the verifier: one verification that also hands back the token's cache entry (as a
 * {@link Verification}), so that the engine's per-token decisions need no second cache and no second probe.
 * {@link TokenVerifier} installs the door when its class initializes; users call {@link TokenVerifier#verify}.
 */
public final class TokenAccess {

    private static volatile BiFunction<TokenVerifier, String, Verification> door;

    private TokenAccess() {
    }

    /**
     * Installs the door; called once by {@link TokenVerifier}'s static initializer.
     *
     * @throws IllegalStateException when called again
     */
    public static void install(BiFunction<TokenVerifier, String, Verification> verify) {
        if (door != null) {
            throw new IllegalStateException("TokenAccess is already installed");
        }
        door = Objects.requireNonNull(verify, "verify");
    }

    /** Verifies {@code token} as {@link TokenVerifier#verify} does, with its cache entry. */
    public static Verification verify(TokenVerifier verifier, String token) {
        // A TokenVerifier instance exists, so its class is initialized and the door installed.
        return door.apply(Objects.requireNonNull(verifier, "verifier"), token);
    }
}
