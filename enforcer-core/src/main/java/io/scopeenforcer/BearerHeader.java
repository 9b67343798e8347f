package io.scopeenforcer;

/**
 * Reads the bearer token out of one {@code Authorization} header value, per RFC 6750 §2.1:
 * {@code "Bearer" 1*SP b64token}, the scheme case-insensitive (RFC 9110 §11.1). Another scheme is no bearer
 * token. Stateless.
 *
 * <p>The parse is split in two so that a cached request walks its token once: {@link #candidate} finds the
 * token's bounds without looking at its characters, and {@link #checkToken} checks them. A token that verified
 * before is a compact JWS, spelled with base64url characters and dots only, which is a b64token, so the engine
 * runs the character check only for a token it cannot answer from its cache.
 */
final class BearerHeader {

    /** The header carried no bearer token (absent, or another scheme). */
    static final Result NONE = new Result(null, null);

    /**
     * A token candidate, or a 400 problem, or neither. The token is {@code header[start, end)}: it is cut out of
     * the header only when asked for ({@link #token()}), so that a cached request never copies it.
     */
    record Result(String header, int start, int end, String problem) {
        Result(String token, String problem) {
            this(token, 0, token == null ? 0 : token.length(), problem);
        }

        /** Whether the header carried a token candidate. */
        boolean hasToken() {
            return header != null;
        }

        /** The token, a new string (a copy of the header's part); null when there is none. */
        String token() {
            return header == null ? null : start == 0 && end == header.length() ? header : header.substring(start, end);
        }
    }

    private BearerHeader() {
    }

    /** {@link #candidate} and then {@link #checkToken}: the whole RFC 6750 §2.1 check. */
    static Result parse(String header) {
        Result result = candidate(header);
        String problem = result.hasToken() ? checkToken(result.header(), result.start(), result.end()) : null;
        return problem == null ? result : new Result(null, problem);
    }

    /**
     * The scheme, the spaces after it, and the token as the rest of the value without trailing spaces; the
     * token's characters are not checked. Null means no header.
     */
    static Result candidate(String header) {
        return candidate(header, "Bearer", "empty bearer token");
    }

    /**
     * {@link #candidate(String)} for the {@code DPoP} scheme (RFC 9449 §7.1: {@code "DPoP" 1*SP token68}, the same
     * syntax as RFC 6750's b64token); another scheme is {@link #NONE}.
     */
    static Result dpopCandidate(String header) {
        return candidate(header, "DPoP", "empty DPoP token");
    }

    private static Result candidate(String header, String scheme, String empty) {
        int start = tokenStart(header, scheme);
        if (start == NO_TOKEN) {
            return NONE;
        }
        if (start < 0) {
            return new Result(null, problem(start, empty));
        }
        return new Result(header, start, tokenEnd(header), null);
    }

    /** {@link #tokenStart}: the header holds no token of the scheme (absent, or another scheme). */
    static final int NO_TOKEN = -1;
    /** {@link #tokenStart}: the scheme with no token after it. */
    static final int EMPTY = -2;
    /** {@link #tokenStart}: the scheme followed by a tab. */
    static final int MALFORMED = -3;

    /**
     * Where the token of {@code scheme} starts in {@code header} (after the scheme and its spaces), or a negative
     * code: {@link #NO_TOKEN}, {@link #EMPTY} or {@link #MALFORMED}. A number rather than a {@link Result}, so that
     * the engine reads a cached request's header without allocating; the token ends at {@link #tokenEnd}.
     */
    static int tokenStart(String header, String scheme) {
        int n = scheme.length();
        if (header == null || header.length() < n || !header.regionMatches(true, 0, scheme, 0, n)) {
            return NO_TOKEN;
        }
        if (header.length() == n) {
            return EMPTY;
        }
        if (header.charAt(n) != ' ') {
            // "Bearerx..." is another scheme name, not ours.
            return header.charAt(n) == '\t' ? MALFORMED : NO_TOKEN;
        }
        int start = n + 1;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++; // RFC 6750 §2.1: "Bearer" 1*SP b64token
        }
        return start == header.length() ? EMPTY : start;
    }

    /** Where the token found by {@link #tokenStart} ends: the header without its trailing spaces. */
    static int tokenEnd(String header) {
        int end = header.length();
        while (header.charAt(end - 1) == ' ') {
            end--; // stops at the token at the latest: it starts with a non-space
        }
        return end;
    }

    /** The 400 problem of a negative {@link #tokenStart} other than {@link #NO_TOKEN}. */
    static String problem(int code, String empty) {
        return code == MALFORMED ? "malformed Authorization header" : empty;
    }

    /**
     * Null when {@code token} (as {@link #candidate} gives it) is an RFC 6750 b64token, else the 400 problem:
     * {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}.
     */
    static String checkToken(String token) {
        return checkToken(token, 0, token.length());
    }

    /** {@link #checkToken(String)} of {@code s[from, to)}. */
    static String checkToken(String s, int from, int to) {
        int end = from;
        while (end < to && isB64TokenChar(s.charAt(end))) {
            end++;
        }
        if (end == from) {
            // b64token needs one character before any "=": "Bearer =" carries no token (RFC 6750 §2.1).
            return "malformed bearer token";
        }
        while (end < to && s.charAt(end) == '=') {
            end++;
        }
        if (end == to) {
            return null;
        }
        // The candidate ends in a non-space, so a space here separates two tokens.
        return s.charAt(end) == ' ' ? "more than one token in the Authorization header" : "malformed bearer token";
    }

    /**
     * A table, not a chain of range tests: the token's characters are random base64, so a chain mispredicts a
     * branch every few characters, and this loop runs over every character of a first-seen token.
     */
    private static final boolean[] B64TOKEN = b64TokenTable();

    private static boolean[] b64TokenTable() {
        boolean[] table = new boolean[128];
        for (char c = 'A'; c <= 'Z'; c++) {
            table[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            table[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            table[c] = true;
        }
        for (char c : new char[] {'-', '.', '_', '~', '+', '/'}) {
            table[c] = true;
        }
        return table;
    }

    private static boolean isB64TokenChar(char c) {
        return c < 128 && B64TOKEN[c];
    }
}
