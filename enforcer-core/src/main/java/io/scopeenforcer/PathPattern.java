package io.scopeenforcer;

import io.scopeenforcer.internal.UntrustedText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route path pattern: {@code /}-separated segments, each a literal, a {@code {var}}, a {@code {var}} with a
 * literal {@code :suffix} (a custom method such as {@code {id}:addMembers}), or a final {@code **} matching
 * zero or more segments. A plain {@code {var}} never matches a segment that holds {@code :}, so a custom
 * method is reachable only through a rule that names it.
 */
final class PathPattern {

    enum Kind { LITERAL, SUFFIXED_VARIABLE, VARIABLE, DOUBLE_STAR }

    /** One segment of a pattern. {@code text} is the literal or the suffix; {@code name} the variable name. */
    record Segment(Kind kind, String text, String name) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}(:[A-Za-z0-9._~!$&'()*+,=@-]+)?");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,=:@-]+");

    private final String text;
    private final List<Segment> segments;
    private final List<String> variableNames;

    private PathPattern(String text, List<Segment> segments, List<String> variableNames) {
        this.text = text;
        this.segments = segments;
        this.variableNames = variableNames;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException saying what is wrong: no leading {@code /}, an empty segment,
     *     {@code .}/{@code ..}, a {@code **} that is not last, a repeated variable, a character outside
     *     RFC 3986 {@code pchar} (a pattern is matched against decoded, canonical paths)
     */
    static PathPattern parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with /");
        }
        List<Segment> segments = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String body = text.substring(1);
        String[] parts = body.isEmpty() ? new String[0] : body.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals("**")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("** may only end a path pattern");
                }
                segments.add(new Segment(Kind.DOUBLE_STAR, null, null));
                continue;
            }
            Matcher m = VARIABLE.matcher(part);
            if (m.matches()) {
                String name = m.group(1);
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("variable {" + name + "} appears twice");
                }
                names.add(name);
                String suffix = m.group(2);
                segments.add(suffix == null
                        ? new Segment(Kind.VARIABLE, null, name)
                        : new Segment(Kind.SUFFIXED_VARIABLE, suffix, name));
                continue;
            }
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty segment (// or a trailing /) in path pattern");
            }
            if (part.equals(".") || part.equals("..") || !LITERAL.matcher(part).matches()) {
                throw new IllegalArgumentException("bad path pattern segment " + UntrustedText.quote(part)
                        + " (a literal, {var}, {var}:suffix or a final **)");
            }
            segments.add(new Segment(Kind.LITERAL, part, null));
        }
        return new PathPattern(text, List.copyOf(segments), List.copyOf(names));
    }

    String text() {
        return text;
    }

    List<Segment> segments() {
        return segments;
    }

    List<String> variableNames() {
        return variableNames;
    }

    /** Same segments with variable names erased: two patterns with one shape match exactly the same paths. */
    String shape() {
        StringBuilder out = new StringBuilder();
        for (Segment segment : segments) {
            out.append('/');
            switch (segment.kind()) {
                case LITERAL -> out.append(segment.text());
                case VARIABLE -> out.append("{}");
                case SUFFIXED_VARIABLE -> out.append("{}").append(segment.text());
                case DOUBLE_STAR -> out.append("**");
            }
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
