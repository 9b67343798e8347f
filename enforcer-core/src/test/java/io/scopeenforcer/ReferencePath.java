package io.scopeenforcer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An independent reference for {@link PathFirewall}: the same rules written from their statement, not from the
 * code, for the fuzz tests to compare against ({@code PathFirewallFuzzTest} segment for segment,
 * {@code EnforcerFuzzTest} accept or reject), plus the helpers they share to build and print paths.
 */
final class ReferencePath {

    private ReferencePath() {
    }

    /**
     * docs/architecture.md §9 read literally. A path is "/" followed by "/"-separated segments of RFC 3986
     * pchar ({@code unreserved / pct-encoded / sub-delims / ":" / "@"}) minus {@code ;}; an escape may not
     * decode to {@code / \ . % ;}, a control character or a non-ASCII byte; no empty segment but a final one;
     * no {@code .} or {@code ..} segment; at most 4096 chars and 64 segments. Returns null for a rejection.
     */
    static List<String> canonicalize(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/' || raw.length() > PathFirewall.MAX_LENGTH) {
            return null;
        }
        if (raw.equals("/")) {
            return List.of();
        }
        String[] parts = raw.substring(1).split("/", -1);
        if (parts.length > PathFirewall.MAX_SEGMENTS) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            if (part.isEmpty() && p != parts.length - 1) {
                return null;
            }
            StringBuilder decoded = new StringBuilder();
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c == '%') {
                    if (i + 2 >= part.length()) {
                        return null;
                    }
                    int v = hex(part.charAt(i + 1)) * 16 + hex(part.charAt(i + 2));
                    if (v < 0 || v < 0x20 || v > 0x7E || "/\\.%;".indexOf(v) >= 0) {
                        return null;
                    }
                    decoded.append((char) v);
                    i += 2;
                } else if (isPcharButSemicolon(c)) {
                    decoded.append(c);
                } else {
                    return null;
                }
            }
            String segment = decoded.toString();
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
            out.add(segment);
        }
        return out;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1000;
    }

    private static boolean isPcharButSemicolon(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
    }

    /** Percent-encodes every character that is not unreserved, a sub-delim but ";", ":" or "@". */
    static String reencode(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (String s : segments) {
            out.append('/');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (isPcharButSemicolon(c)) {
                    out.append(c);
                } else {
                    out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
                }
            }
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /** At most 80 chars, each unprintable one as \\uXXXX: failure messages stay readable. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return out.append(s.length() > 80 ? "...(" + s.length() + " chars)" : "").toString();
    }
}
