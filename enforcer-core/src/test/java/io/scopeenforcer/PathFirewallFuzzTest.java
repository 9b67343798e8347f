package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link PathFirewall#canonicalize}: an independent reference canonicalizer (docs/architecture.md
 * §9, written from the rules, not from the code) must agree on every input, accept or reject, segment for
 * segment, and whatever is accepted must re-encode to a path no parser can read two ways.
 *
 * <p>The input bytes are read as ISO-8859-1, one char per byte, so a seed file is the raw path itself. CI
 * replays the seeds in {@code PathFirewallFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (SECURITY.md).
 */
class PathFirewallFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"/", "//", ".", "..", "/..", "/./", ";", "%", "%2e", "%2E", "%2f", "%2F", "%5c", "%25", "%3b",
            "%00", "%0a", "%c0%ae", "\\", "?", "#", "%20", "%7e", "/admin/v1/", ":", "**"})
    void canonicalizeWhenFuzzedThenAgreesWithReferenceAndAcceptsOnlyUnambiguousPaths(byte[] input) {
        // One char per byte reaches every Latin-1 char; UTF-8 reaches the rest of Unicode (full-width dots...).
        check(new String(input, StandardCharsets.ISO_8859_1));
        check(new String(input, StandardCharsets.UTF_8));
    }

    private static void check(String raw) {
        PathFirewall.Result actual = PathFirewall.canonicalize(raw);
        List<String> expected = reference(raw);

        if (expected == null) {
            assertTrue(actual.rejected(), () -> "accepted what the reference rejects: " + printable(raw));
            assertNotNull(actual.rejection());
            assertFalse(actual.rejection().contains(raw.length() > 3 ? raw : "\u0000"),
                    "the rejection reason echoes the path");
            return;
        }
        assertFalse(actual.rejected(), () -> "rejected what the reference accepts: " + printable(raw)
                + " (" + actual.rejection() + ")");
        assertNull(actual.rejection());
        assertEquals(expected, actual.segments(), () -> "segments of " + printable(raw));
        assertUnambiguous(actual.segments());
        // Idempotent: the canonical form, percent-encoded again, canonicalizes to the same segments.
        assertEquals(actual.segments(), PathFirewall.canonicalize(reencode(actual.segments())).segments(),
                () -> "re-encoded form of " + printable(raw));
    }

    /** Joined back with "/": no dot segment, no "//", no ";", "\", "%", control or non-ASCII character. */
    static void assertUnambiguous(List<String> segments) {
        String joined = "/" + String.join("/", segments);
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            assertFalse(s.equals(".") || s.equals(".."), () -> "dot segment in " + printable(joined));
            assertTrue(!s.isEmpty() || i == segments.size() - 1, () -> "empty segment in " + printable(joined));
        }
        assertFalse(joined.contains("//"), () -> "// in " + printable(joined));
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            assertTrue(c >= 0x20 && c < 0x7F && c != ';' && c != '\\' && c != '%',
                    () -> "bad character in " + printable(joined));
        }
    }

    /**
     * The reference: docs/architecture.md §9 read literally. A path is "/" followed by "/"-separated segments of RFC 3986
     * pchar ({@code unreserved / pct-encoded / sub-delims / ":" / "@"}) minus {@code ;}; an escape may not
     * decode to {@code / \ . % ;}, a control character or a non-ASCII byte; no empty segment but a final one;
     * no {@code .} or {@code ..} segment; at most 4096 chars and 64 segments. Returns null for a rejection.
     */
    static List<String> reference(String raw) {
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
                    out.append('%').append(String.format("%02X", (int) c));
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
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.append(s.length() > 80 ? "...(" + s.length() + " chars)" : "").toString();
    }
}
