package io.scopeenforcer;

import io.scopeenforcer.internal.PerThread;
import java.util.List;

/**
 * One request's canonical path as the route matcher reads it: the path string (the raw path itself when it holds no
 * {@code %XX}, else its decoding) and where each segment starts and ends in it, plus what the matcher captured for
 * the path variables. Segments are regions of that one string, so a request whose route and decision are known
 * builds no segment strings at all (docs/architecture.md §13): the strings of a match are made only when it must be
 * kept, as a decision-cache key, or read, as the variables map of a fresh decision.
 *
 * <p>Mutable and reused: {@link #forThisThread()} hands each platform thread one instance ({@link PerThread}) for the
 * length of one {@link Enforcer#decide} call, which does not call itself.
 */
final class RequestPath {

    private static final PerThread<RequestPath> PER_THREAD = PerThread.of(RequestPath::new);

    /** The string the segments are regions of. */
    private String path;
    private int count;
    /** Per segment: start, end (exclusive) and the first {@code :} in {@code path}, or -1 for none. */
    private final int[] starts = new int[PathFirewall.MAX_SEGMENTS + 1];
    private final int[] ends = new int[PathFirewall.MAX_SEGMENTS + 1];
    private final int[] colons = new int[PathFirewall.MAX_SEGMENTS + 1];
    /** Per segment, {@link String#hashCode()} of its text: what the literal table of a route trie node is probed by. */
    private final int[] hashes = new int[PathFirewall.MAX_SEGMENTS + 1];
    /** The variables captured by the last match, by variable order: a region of {@code path} each. */
    private final int[] capturedStarts = new int[PathFirewall.MAX_SEGMENTS + 1];
    private final int[] capturedEnds = new int[PathFirewall.MAX_SEGMENTS + 1];
    private final int[] capturedHashes = new int[PathFirewall.MAX_SEGMENTS + 1];
    private final Probe probe = new Probe();

    /** This thread's instance, to be filled by {@link PathFirewall#scan}. */
    static RequestPath forThisThread() {
        return PER_THREAD.get();
    }

    /** A path of already canonical segments (for callers that hold segments, such as tests). */
    static RequestPath of(List<String> segments) {
        RequestPath out = new RequestPath();
        StringBuilder joined = new StringBuilder();
        for (String segment : segments) {
            joined.append('/').append(segment);
        }
        out.start(joined.toString());
        int at = 0;
        for (String segment : segments) {
            at++; // the '/'
            out.add(at, at + segment.length());
            at += segment.length();
        }
        return out;
    }

    /** Starts a path over {@code path}, with no segments yet. */
    void start(String path) {
        this.path = path;
        this.count = 0;
    }

    /** Adds the segment {@code path[start, end)}. At most {@link PathFirewall#MAX_SEGMENTS} + 1 are ever added. */
    void add(int start, int end) {
        int colon = -1;
        for (int i = start; i < end && colon < 0; i++) {
            colon = path.charAt(i) == ':' ? i : -1;
        }
        add(start, end, colon, hash(start, end));
    }

    /**
     * {@link #add(int, int)} when the caller, reading the segment anyway, knows where its first {@code :} is (or -1)
     * and its {@link String#hashCode()}.
     */
    void add(int start, int end, int colon, int hash) {
        starts[count] = start;
        ends[count] = end;
        colons[count] = colon;
        hashes[count] = hash;
        count++;
    }

    int count() {
        return count;
    }

    String path() {
        return path;
    }

    int start(int segment) {
        return starts[segment];
    }

    int end(int segment) {
        return ends[segment];
    }

    /** Where the segment's first {@code :} is in {@link #path()}, or -1. */
    int colon(int segment) {
        return colons[segment];
    }

    /** {@link String#hashCode()} of the segment's text. */
    int hash(int segment) {
        return hashes[segment];
    }

    String segment(int i) {
        return path.substring(starts[i], ends[i]);
    }

    /** Records {@code path[start, end)} as the value of the variable at {@code index} of the matched rule. */
    void capture(int index, int start, int end) {
        capture(index, start, end, hash(start, end));
    }

    /** Records segment {@code segment} as a whole as the value of the variable at {@code index}; its hash is known. */
    void captureSegment(int index, int segment) {
        capture(index, starts[segment], ends[segment], hashes[segment]);
    }

    private void capture(int index, int start, int end, int hash) {
        capturedStarts[index] = start;
        capturedEnds[index] = end;
        capturedHashes[index] = hash;
    }

    /** The match of {@code rule}, with its captured values as strings: for a decision to make or a key to keep. */
    RouteMatch match(Rule rule) {
        String[] values = new String[rule.variables().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = path.substring(capturedStarts[i], capturedEnds[i]);
        }
        return new RouteMatch(rule, values);
    }

    /**
     * A decision-cache look-up key for the match of {@code rule}: equal to a kept {@link RouteMatch} of the same rule
     * and values, with the same hash, without making the values' strings. Valid until this path is reused.
     */
    Object probe(Rule rule) {
        int hash = 1; // Arrays.hashCode over the values, each hashed as String.hashCode would
        for (int i = 0, n = rule.variables().size(); i < n; i++) {
            hash = 31 * hash + capturedHashes[i];
        }
        probe.rule = rule;
        probe.hash = 31 * System.identityHashCode(rule) + hash;
        return probe;
    }

    /** {@link String#hashCode()} of {@code path[start, end)}, without the substring. */
    private int hash(int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + path.charAt(i);
        }
        return h;
    }

    /**
     * The look-up key of {@link #probe}. Only ever the argument of a {@code ConcurrentHashMap.get}, which compares it
     * as {@code probe.equals(kept)}; never kept itself.
     */
    private final class Probe {
        Rule rule;
        int hash;

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RouteMatch kept) || kept.rule() != rule) {
                return false;
            }
            String[] values = kept.values();
            for (int i = 0; i < values.length; i++) {
                int start = capturedStarts[i];
                int length = capturedEnds[i] - start;
                if (values[i].length() != length || !path.regionMatches(start, values[i], 0, length)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
