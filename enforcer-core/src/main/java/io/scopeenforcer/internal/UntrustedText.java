package io.scopeenforcer.internal;

/**
 * Quotes a short, sanitized fragment of untrusted input for an error message or a log line (docs/architecture.md §14.6):
 * never the whole input, never a control character, quote, backslash or non-ASCII character, so a message
 * can neither echo a token nor forge a log line or a header.
 *
 * <p>In the internal package: every package of the core and the servlet module quote untrusted input one way.
 */
public final class UntrustedText {

    /** The longest fragment quoted. */
    public static final int MAX_FRAGMENT = 40;

    private UntrustedText() {
    }

    /**
     * Returns at most {@value #MAX_FRAGMENT} sanitized characters of {@code untrusted}, in single quotes: a double
     * quote may not appear in an RFC 6750 {@code error_description}, which these fragments end up in.
     */
    public static String quote(String untrusted) {
        if (untrusted == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(MAX_FRAGMENT + 5).append('\'');
        int n = Math.min(untrusted.length(), MAX_FRAGMENT);
        for (int i = 0; i < n; i++) {
            char c = untrusted.charAt(i);
            out.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\'' && c != '\\' ? c : '?');
        }
        if (untrusted.length() > MAX_FRAGMENT) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    /**
     * The project's own text made safe for one log line, not cut: anything outside printable ASCII becomes
     * {@code ?}. For descriptions and messages the filter wrote itself (which may embed short, already-quoted
     * fragments of input); untrusted input goes through {@link #quote}.
     */
    public static String sanitize(String own) {
        if (own == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(own.length());
        for (int i = 0; i < own.length(); i++) {
            char c = own.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
