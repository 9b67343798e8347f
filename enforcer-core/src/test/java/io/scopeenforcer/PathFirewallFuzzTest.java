package io.scopeenforcer;

import static io.scopeenforcer.ReferencePath.printable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link PathFirewall#canonicalize}: an independent reference canonicalizer
 * ({@link ReferencePath}: docs/architecture.md §9 written from the rules, not from the code) must agree on every
 * input, accept or reject, segment for segment, and whatever is accepted must re-encode to a path no parser can
 * read two ways.
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
        List<String> expected = ReferencePath.canonicalize(raw);

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
        assertEquals(actual.segments(), PathFirewall.canonicalize(ReferencePath.reencode(actual.segments())).segments(),
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
}
