package io.scopeenforcer;

/** The {@code Authorization} header value the engine reads, for tests that hold a bare token. */
final class Tokens {

    private Tokens() {
    }

    /** {@code "Bearer " + token}, or null (no header) for a null token. */
    static String bearer(String token) {
        return token == null ? null : "Bearer " + token;
    }
}
