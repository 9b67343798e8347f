package io.scopeenforcer.token;

import io.scopeenforcer.internal.PerThread;

/**
 * A cache key that is the full token: two keys are equal only when the whole tokens are, character for character.
 * A lookup key can stand over the part of a longer string that holds the token (the {@code Authorization}
 * header after {@code Bearer }), so that a cached request never copies its token; such a key is also what the
 * cache keeps, holding the header (the token plus a few characters), unless the header is much longer.
 *
 * <p>A cached request's look-up key is not even made: each platform thread has one probe ({@link #probe}) that is
 * pointed at the request's header for the look-up, and a key is made only to be kept, on a miss. The cache compares
 * a probe as {@code probe.equals(kept)} and never keeps it; a kept key is never re-pointed.
 *
 * <p>Only the bucket hash is sampled, from the length and the last 32 characters (the tail of the
 * signature, unpredictable for a genuine token): every request brings a new {@code String} whose
 * {@code hashCode()} would walk the whole token (about a microsecond for a 1 KB token on Java 17), which is
 * the entire budget of the cached path. Deliberate collisions stay cheap because the key is
 * {@link Comparable}, so a crowded {@code ConcurrentHashMap} bin becomes a tree, as with {@code String} keys.
 */
final class TokenKey implements Comparable<TokenKey> {

    private static final int SAMPLE = 32;
    private static final PerThread<TokenKey> PROBES = PerThread.of(() -> new TokenKey("", 0, 0));

    /**
     * The token is {@code source[from, to)}: a whole token string, or the part of a header that holds it. Not final
     * for the probes only; a kept key is made once and published through the cache.
     */
    private String source;
    private int from;
    private int to;
    private int hash;

    TokenKey(String token) {
        this(token, 0, token.length());
    }

    /** A key over {@code source[from, to)}, without copying it (a lookup key made from the request's header). */
    TokenKey(String source, int from, int to) {
        point(source, from, to);
    }

    /** This thread's look-up key over {@code source[from, to)}, valid until the thread's next probe; never to keep. */
    static TokenKey probe(String source, int from, int to) {
        TokenKey probe = PROBES.get();
        probe.point(source, from, to);
        return probe;
    }

    /**
     * Lets go of the header a probe was pointed at, so that an idle thread keeps no request's token reachable. A
     * probe is released after each look-up; a kept key never is.
     */
    void release() {
        this.source = "";
        this.from = 0;
        this.to = 0;
    }

    private void point(String source, int from, int to) {
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
        if (other.hash != hash || other.length() != length()) {
            return false;
        }
        if (from == other.from && source.length() == other.source.length()
                && source.regionMatches(0, other.source, 0, from)) {
            // Same shape around the token (the usual case: two "Bearer <token>" headers, or two bare tokens):
            // what lies after the token is spaces only, of the same length, so the whole strings are equal
            // exactly when the tokens are, and String.equals is the JIT's vectorized compare.
            return source.equals(other.source);
        }
        return source.regionMatches(from, other.source, other.from, length());
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
