package io.scopeenforcer.bench;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.token.TokenResult;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * docs/architecture.md §13, memory: the heap that cached tokens hold, measured as the difference in used heap after full
 * collections, before and after filling the caches, divided by the number of tokens; and the bound, by
 * offering twice as many tokens as {@code cache-max-entries} allows.
 *
 * <p>Each token is verified as a fresh copy of its string, as a request's header would bring it, so the copy
 * that the cache keeps is counted and the pool's own strings are not.
 *
 * <pre>java -Xmx2g -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.HeapPerToken [TOKENS]</pre>
 */
public final class HeapPerToken {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapPerToken() {
    }

    /** Measures and prints. */
    public static void main(String[] args) throws InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        TokenPool pool = TokenPool.get("RS256", count);
        List<String> tokens = pool.tokens();
        TrustedIssuer issuer = pool.trustedIssuer();
        RoutePolicy policy = Fixtures.policy();
        int length = tokens.get(0).length();
        System.out.printf(Locale.ROOT, "%d distinct RS256 tokens of about %d characters (JDK %s, %s)%n", count, length,
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getVmName());

        // 1. Token cache alone: TokenVerifier with room for every token.
        TokenVerifier verifier = TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(count).build();
        warm(verifier);
        long before = usedAfterGc();
        for (String token : tokens) {
            if (!(verifier.verify(new String(token)) instanceof TokenResult.Valid)) {
                throw new IllegalStateException("a pool token did not verify");
            }
        }
        long after = usedAfterGc();
        double perToken = (double) (after - before) / count;
        System.out.printf(Locale.ROOT, "token cache:            %,d tokens cached, %,.0f bytes per cached token"
                + " (token string alone: %,d bytes)%n", verifier.stats().size(), perToken, stringBytes(length));

        // 2. The engine: token cache plus one cached decision per token (the request stream's routes).
        Enforcer enforcer = Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(count).build())
                .policy(policy).build();
        verifier = null;
        before = usedAfterGc();
        for (int i = 0; i < count; i++) {
            String[] route = Fixtures.ROUTES.get(i % Fixtures.ROUTES.size());
            Decision d = enforcer.decide("Bearer " + new String(tokens.get(i)), route[0], route[1]);
            if (!d.allowed()) {
                throw new IllegalStateException("denied: " + d);
            }
        }
        after = usedAfterGc();
        System.out.printf(Locale.ROOT, "engine (token+decision): %,d tokens, %,.0f bytes per token with one cached"
                + " decision%n", enforcer.stats().tokenCache().size(), (double) (after - before) / count);
        enforcer = null;

        // 3. The bound: twice as many tokens as cache-max-entries.
        int max = count / 2;
        Enforcer bounded = Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(issuer).cacheMaxEntries(max).build())
                .policy(policy).build();
        before = usedAfterGc();
        for (int i = 0; i < count; i++) {
            String[] route = Fixtures.ROUTES.get(i % Fixtures.ROUTES.size());
            bounded.decide("Bearer " + new String(tokens.get(i)), route[0], route[1]);
        }
        after = usedAfterGc();
        System.out.printf(Locale.ROOT, "bound: cache-max-entries=%,d, %,d tokens offered -> %,d cached, heap %,.1f MB"
                + " (%,.0f bytes per offered token, %,.0f per allowed entry)%n", max, count,
                bounded.stats().tokenCache().size(), (after - before) / 1e6, (double) (after - before) / count,
                (double) (after - before) / max);
    }

    /** Loads the verification classes and key conversion, so they are not counted. */
    private static void warm(TokenVerifier verifier) {
        List<String> few = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            few.add("not.a.token" + i);
        }
        few.forEach(verifier::verify);
    }

    private static long stringBytes(int latin1Length) {
        return 24 + ((16 + latin1Length + 7) / 8) * 8; // String header + byte[] (compressed oops, Latin-1)
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
