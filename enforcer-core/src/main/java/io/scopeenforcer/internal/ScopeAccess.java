package io.scopeenforcer.internal;

import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.util.Collection;
import java.util.Objects;

/**
 * The scope parsing that other packages of the core need but users do not: the lenient reading of a token's
 * {@code scope}/{@code scp} claim (bad values dropped, not refused) and the RFC 6749 §3.3 character rules that
 * the route policy's templates and the negotiator check. {@code io.scopeenforcer.scope} installs the door when
 * {@link ScopeSet} initializes, so these stay off its public API.
 */
public final class ScopeAccess {

    /** What the scope package lends. */
    public interface Door {
        /** {@code scope} claim: any run of spaces separates; a value that is not a scope-token is dropped. */
        ScopeSet fromClaim(String spaceDelimited);

        /** {@code scp} array: a value that is not a single scope-token is dropped. */
        ScopeSet fromValues(Collection<String> values);

        /** The scope, or null when {@code value} is not a scope-token. */
        Scope parseOrNull(String value);

        /** A non-empty RFC 6749 §3.3 scope-token. */
        boolean isScopeToken(String value);

        /** One scope-token character ({@code %x21 / %x23-5B / %x5D-7E}). */
        boolean isScopeChar(char c);
    }

    private static volatile Door door;

    private ScopeAccess() {
    }

    /**
     * Installs the door; called once by {@link ScopeSet}'s static initializer.
     *
     * @throws IllegalStateException when called again
     */
    public static void install(Door scopes) {
        if (door != null) {
            throw new IllegalStateException("ScopeAccess is already installed");
        }
        door = Objects.requireNonNull(scopes, "scopes");
    }

    /** The scope package's door, initializing {@link ScopeSet} first if nothing has yet. */
    public static Door scopes() {
        Door d = door;
        if (d == null) {
            ScopeSet.empty(); // runs ScopeSet's static initializer, which installs the door
            d = door;
        }
        return d;
    }
}
