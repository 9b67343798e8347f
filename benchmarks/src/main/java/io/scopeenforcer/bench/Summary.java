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
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file and prints the median of every benchmark (over all iterations of all forks), the
 * ratios that docs/architecture.md §13 sets targets for, and for the scale-of-work benchmarks how the cost grows:
 * the cost at each size against the smallest, and the exponent {@code k} of a fit {@code cost ~ size^k} (0 is
 * flat, 1 linear; a logarithmic growth shows as a small {@code k} that shrinks as the sizes grow). A benchmark
 * is named {@code Class.method:param=value,...}, parameters in name order. Benchmarks missing from the file are
 * skipped.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.scopeenforcer.bench.Summary benchmarks/jmh-result.json</pre>
 */
public final class Summary {

    private final Map<String, Double> median = new LinkedHashMap<>();

    private Summary() {
    }

    /** Prints the summary. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "benchmarks/jmh-result.json");
        JsonArray results = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
        new Summary().print(results);
    }

    private void print(JsonArray results) {
        System.out.printf(Locale.ROOT, "%-56s %12s %12s %12s  %s%n", "benchmark", "median", "min", "max", "unit");
        for (JsonElement element : results) {
            JsonObject result = element.getAsJsonObject();
            String name = result.get("benchmark").getAsString().replace("io.scopeenforcer.bench.", "");
            if (result.has("params")) {
                Map<String, String> params = new TreeMap<>();
                result.getAsJsonObject("params").entrySet().forEach(e -> params.put(e.getKey(), e.getValue().getAsString()));
                StringBuilder text = new StringBuilder();
                params.forEach((k, v) -> text.append(text.length() == 0 ? ":" : ",").append(k).append('=').append(v));
                name += text;
            }
            JsonObject metric = result.getAsJsonObject("primaryMetric");
            double p50 = metric.getAsJsonObject("scorePercentiles").get("50.0").getAsDouble();
            double min = metric.getAsJsonObject("scorePercentiles").get("0.0").getAsDouble();
            double max = metric.getAsJsonObject("scorePercentiles").get("100.0").getAsDouble();
            String unit = metric.get("scoreUnit").getAsString();
            // Everything in ns/op for the ratios.
            double scale = unit.startsWith("us") ? 1_000 : unit.startsWith("ms") ? 1_000_000 : 1;
            median.put(name, p50 * scale);
            System.out.printf(Locale.ROOT, "%-56s %12.1f %12.1f %12.1f  %s%n", name, p50, min, max, unit);
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
            // Nimbus and Spring verify with the JDK; the filter's own figure is the JDK provider's too.
            String jdk = ":alg=" + alg + ",provider=jdk";
            Double ours = median.get("FirstSeenBenchmark.filter" + jdk);
            Double nimbus = median.get("FirstSeenBenchmark.nimbus" + jdk);
            Double springFirst = median.get("FirstSeenBenchmark.spring" + jdk);
            Double decide = median.get("FirstSeenBenchmark.decide" + jdk);
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
        System.out.println();
        System.out.println("Scale of work (medians; cost at each size / cost at the smallest; k of cost ~ size^k:"
                + " 0 flat, 1 linear)");
        growth("route matching, hit, rules", "RouteMatchingBenchmark.hit:rules=%s", "10", "100", "1000", "10000");
        growth("route matching, miss, rules", "RouteMatchingBenchmark.miss:rules=%s", "10", "100", "1000", "10000");
        growth("cached path, live tokens, cache fits", "LiveTokensBenchmark.filter:cache=fit,tokens=%s",
                "1000", "10000", "100000");
        growth("live tokens, cache of half of them", "LiveTokensBenchmark.filter:cache=overflow,tokens=%s",
                "1000", "10000", "100000");
        growth("public template rule, path segments", "PathDepthBenchmark.template:depth=%s", "2", "8", "32");
        growth("cached path on /**, path segments", "PathDepthBenchmark.wildcard:depth=%s", "2", "8", "32");
    }

    /**
     * One line for a benchmark measured at several sizes ({@code pattern} with {@code %s} for the size), when the
     * file has at least two of them: each size's median, its ratio to the first, and the fitted exponent.
     */
    private void growth(String what, String pattern, String... sizes) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s", what + ":"));
        double first = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (String size : sizes) {
            Double cost = median.get(String.format(Locale.ROOT, pattern, size));
            if (cost == null) {
                continue;
            }
            first = n == 0 ? cost : first;
            line.append(String.format(Locale.ROOT, " %s: %.0f ns (x%.2f)", size, cost, cost / first));
            double x = Math.log(Double.parseDouble(size));
            double y = Math.log(cost);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            n++;
        }
        if (n < 2) {
            return;
        }
        double k = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        System.out.println(line.append(String.format(Locale.ROOT, "; k = %.2f", k)));
    }
}
