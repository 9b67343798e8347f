package io.scopeenforcer.token;

/**
 * A cache key that is the full token: two keys are equal only when the whole tokens are, character for character.
 * A lookup key can stand over the part of a longer string that holds the token (the {@code Authorization}
 * header after {@code Bearer }), so that a cached request never copies its token; the key kept in the cache
 * always holds a string of its own.
 *
 * <p>Only the bucket hash is sampled, from the length and the last 32 characters (the tail of the
 * signature, unpredictable for a genuine token): every request brings a new {@code String} whose
 * {@code hashCode()} would walk the whole token (about a microsecond for a 1 KB token on Java 17), which is
 * the entire budget of the cached path. Deliberate collisions stay cheap because the key is
 * {@link Comparable}, so a crowded {@code ConcurrentHashMap} bin becomes a tree, as with {@code String} keys.
 */
final class TokenKey implements Comparable<TokenKey> {

    private static final int SAMPLE = 32;

    /** The token is {@code source[from, to)}: a whole token string, or the part of a header that holds it. */
    private final String source;
    private final int from;
    private final int to;
    private final int hash;

    TokenKey(String token) {
        this(token, 0, token.length());
    }

    /** A key over {@code source[from, to)}, without copying it (a lookup key made from the request's header). */
    TokenKey(String source, int from, int to) {
        this.source = source;
        this.from = from;
        this.to = to;
        int h = to - from;
        for (int i = Math.max(from, to - SAMPLE); i < to; i++) {
            h = 31 * h + source.charAt(i);
        }
        this.hash = h;
    }

    private int length() {
        return to - from;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TokenKey)) {
            return false;
        }
        TokenKey other = (TokenKey) o;
        return other.hash == hash && other.length() == length()
                && source.regionMatches(from, other.source, other.from, length());
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Lexicographic over the tokens' characters, as {@link String#compareTo}. */
    @Override
    public int compareTo(TokenKey other) {
        int n = Math.min(length(), other.length());
        for (int i = 0; i < n; i++) {
            int d = source.charAt(from + i) - other.source.charAt(other.from + i);
            if (d != 0) {
                return d;
            }
        }
        return length() - other.length();
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "TokenKey[length=" + length() + "]";
    }
}
