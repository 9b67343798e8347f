package io.scopeenforcer.bench;

import com.nimbusds.jose.shaded.gson.JsonArray;
import com.nimbusds.jose.shaded.gson.JsonElement;
import com.nimbusds.jose.shaded.gson.JsonObject;
import com.nimbusds.jose.shaded.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH JSON result file and prints the median of every benchmark (over all iterations of all forks)
 * and the ratios that docs/architecture.md §13 sets targets for. Benchmarks missing from the file are skipped.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.Summary benchmarks/jmh-result.json</pre>
 */
public final class Summary {

    private Summary() {
    }

    /** Prints the summary. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "benchmarks/jmh-result.json");
        JsonArray results = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
        Map<String, Double> median = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%-48s %12s %12s %12s  %s%n", "benchmark", "median", "min", "max", "unit");
        for (JsonElement element : results) {
            JsonObject result = element.getAsJsonObject();
            String name = result.get("benchmark").getAsString().replace("io.scopeenforcer.bench.", "");
            if (result.has("params")) {
                StringBuilder params = new StringBuilder();
                result.getAsJsonObject("params").entrySet().forEach(e -> params.append(params.length() == 0 ? ":" : ",")
                        .append(e.getValue().getAsString()));
                name += params;
            }
            JsonObject metric = result.getAsJsonObject("primaryMetric");
            double p50 = metric.getAsJsonObject("scorePercentiles").get("50.0").getAsDouble();
            double min = metric.getAsJsonObject("scorePercentiles").get("0.0").getAsDouble();
            double max = metric.getAsJsonObject("scorePercentiles").get("100.0").getAsDouble();
            String unit = metric.get("scoreUnit").getAsString();
            // Everything in ns/op for the ratios.
            double scale = unit.startsWith("us") ? 1_000 : unit.startsWith("ms") ? 1_000_000 : 1;
            median.put(name, p50 * scale);
            System.out.printf(Locale.ROOT, "%-48s %12.1f %12.1f %12.1f  %s%n", name, p50, min, max, unit);
        }
        System.out.println();
        System.out.println("Targets of docs/architecture.md §13 (medians)");
        Double filter = median.get("CachedPathBenchmark.filter");
        Double floor = median.get("CachedPathBenchmark.noFilter");
        Double spring = median.get("CachedPathBenchmark.spring");
        if (filter != null && floor != null) {
            double overhead = filter - floor;
            System.out.printf(Locale.ROOT, "cached path: filter overhead %.0f ns per request (target <= 1000 ns): %s%n",
                    overhead, overhead <= 1_000 ? "met" : "NOT met");
        }
        if (filter != null && spring != null) {
            double ratio = spring / filter;
            System.out.printf(Locale.ROOT, "repeated tokens: Spring / ours = %.1fx (target >= 30x): %s%n", ratio,
                    ratio >= 30 ? "met" : "NOT met");
        }
        for (String alg : new String[] {"RS256", "ES256"}) {
            Double ours = median.get("FirstSeenBenchmark.filter:" + alg);
            Double nimbus = median.get("FirstSeenBenchmark.nimbus:" + alg);
            Double springFirst = median.get("FirstSeenBenchmark.spring:" + alg);
            Double decide = median.get("FirstSeenBenchmark.decide:" + alg);
            if (ours != null && nimbus != null) {
                double ratio = ours / nimbus;
                System.out.printf(Locale.ROOT, "first-seen %s: filter / Nimbus = %.3f (target <= 1.2): %s%s%n", alg, ratio,
                        ratio <= 1.2 ? "met" : "NOT met",
                        decide == null ? "" : String.format(Locale.ROOT, "; decide / Nimbus = %.3f", decide / nimbus));
            }
            if (ours != null && springFirst != null) {
                double ratio = springFirst / ours;
                System.out.printf(Locale.ROOT, "first-seen %s: Spring / ours = %.2fx (target >= 1.0): %s%n", alg, ratio,
                        ratio >= 1.0 ? "met" : "NOT met");
            }
        }
        Double small = median.get("RouteMatchingBenchmark.hit:10");
        Double large = median.get("RouteMatchingBenchmark.hit:1000");
        if (small != null && large != null) {
            System.out.printf(Locale.ROOT, "route matching: 1,000 rules / 10 rules = %.2f (flat is ~1)%n", large / small);
        }
    }
}
