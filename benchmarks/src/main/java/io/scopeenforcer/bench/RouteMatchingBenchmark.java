package io.scopeenforcer.bench;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * docs/architecture.md §13, route matching alone: {@link Enforcer#decide} on {@code public} rules (so no token work happens:
 * method check, path firewall, route index, decision) with 10, 100, 1,000 and 10,000 rules. The rules come in four
 * shapes (literal, {@code {var}}, {@code {var}:suffix} custom method, trailing {@code **}) under distinct
 * prefixes; the requests hit the four rules written last (a linear matcher's worst case), and {@code miss}
 * asks for a path that no rule matches (deny). The cost must not grow with the number of rules.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RouteMatchingBenchmark {

    @Param({"10", "100", "1000", "10000"})
    public int rules;

    private Enforcer enforcer;
    private String[][] hits;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder policy = new StringBuilder();
        hits = new String[4][];
        for (int i = 0; i < rules; i++) {
            String prefix = "/api/v1/svc" + i;
            String[] hit = switch (i % 4) {
                case 0 -> new String[] {"GET", prefix + "/items", "GET " + prefix + "/items public"};
                case 1 -> new String[] {"PUT", prefix + "/items/item-42",
                        "PUT,PATCH " + prefix + "/items/{id} public"};
                case 2 -> new String[] {"POST", prefix + "/items/item-42:archive",
                        "POST " + prefix + "/items/{id}:archive public"};
                default -> new String[] {"GET", prefix + "/files/a/b/c.txt", "GET " + prefix + "/files/** public"};
            };
            policy.append(hit[2]).append('\n');
            if (i >= rules - 4) {
                hits[i % 4] = hit;
            }
        }
        // Any issuer will do: public routes never reach the verifier.
        TrustedIssuer issuer = TrustedIssuer.sharedSecret("https://idp.bench.example",
                "a shared secret of at least 32 bytes".getBytes(StandardCharsets.US_ASCII))
                .audience("https://api.bench.example").build();
        enforcer = Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(issuer).build())
                .policy(RoutePolicy.parse(policy.toString(), "generated"))
                .build();
        for (String[] hit : hits) {
            if (!enforcer.decide(null, hit[0], hit[1]).allowed()) {
                throw new IllegalStateException("not allowed: " + hit[0] + " " + hit[1]);
            }
        }
        if (enforcer.decide(null, "GET", "/api/v1/nowhere/items").allowed()) {
            throw new IllegalStateException("a miss was allowed");
        }
    }

    @Benchmark
    public Decision hit() {
        String[] hit = hits[next++ & 3];
        return enforcer.decide(null, hit[0], hit[1]);
    }

    @Benchmark
    public Decision miss() {
        return enforcer.decide(null, "GET", "/api/v1/nowhere/items");
    }
}
