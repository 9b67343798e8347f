package io.scopeenforcer.token;

/**
 * A cache key that is the full token string: two keys are equal only when the whole tokens are.
 *
 * <p>Only the bucket hash is sampled, from the length and the last 32 characters (the tail of the
 * signature, unpredictable for a genuine token): every request brings a new {@code String} whose
 * {@code hashCode()} would walk the whole token (about a microsecond for a 1 KB token on Java 17), which is
 * the entire budget of the cached path. Deliberate collisions stay cheap because the key is
 * {@link Comparable}, so a crowded {@code ConcurrentHashMap} bin becomes a tree, as with {@code String} keys.
 */
final class TokenKey implements Comparable<TokenKey> {

    private static final int SAMPLE = 32;

    private final String token;
    private final int hash;

    TokenKey(String token) {
        this.token = token;
        int n = token.length();
        int h = n;
        for (int i = Math.max(0, n - SAMPLE); i < n; i++) {
            h = 31 * h + token.charAt(i);
        }
        this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey && ((TokenKey) o).hash == hash && ((TokenKey) o).token.equals(token);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(TokenKey other) {
        return token.compareTo(other.token);
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "TokenKey[length=" + token.length() + "]";
    }
}
