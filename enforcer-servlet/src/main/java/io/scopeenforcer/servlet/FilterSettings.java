package io.scopeenforcer.servlet;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.UntrustedText;
import io.scopeenforcer.Rule;
import io.scopeenforcer.scope.Requirement;
import io.scopeenforcer.servlet.ScopeEnforcementFilter.Mode;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The filter's configuration, read once: the engine, the mode and how responses look. Immutable. */
final class FilterSettings {

    /** Every parameter name the filter reads (docs/architecture.md §11). */
    static final List<String> NAMES = List.of("issuer", "jwks-uri", "jwks-file", "audience", "algorithms",
            "clock-skew", "scope-claims", "tenant-claim", "realm-claim", "policy", "mode", "cache-max-entries",
            "cache-max-ttl", "resource-metadata", "realm", "retry-after", "strict-token-type", "max-token-length");

    /** {@link TrustedIssuer.Builder} setting names and the parameters that feed them. */
    private static final Map<String, String> ISSUER_SETTINGS = Map.of("jwksUri", "jwks-uri", "jwksFile", "jwks-file",
            "algorithms", "algorithms", "audiences", "audience", "clockSkew", "clock-skew",
            "strictTokenType", "strict-token-type");

    private final Enforcer enforcer;
    private final Mode mode;
    private final Responses responses;
    private final String metadataJson;
    private final Set<String> metadataPaths;
    private final List<String> policyWarnings;

    private FilterSettings(Builder b) {
        this.enforcer = b.enforcer;
        this.mode = b.mode;
        String metadataUrl = b.resource == null ? null : metadataUrl(b.resource);
        this.responses = new Responses(b.realm, metadataUrl, b.retryAfterSeconds);
        this.metadataJson = b.resource == null ? null : metadata(b.resource, b.issuers, enforcer.policy());
        this.metadataPaths = b.resource == null ? Set.of()
                : Set.copyOf(List.of(ScopeEnforcementFilter.METADATA_PATH,
                        ScopeEnforcementFilter.METADATA_PATH + resourcePath(b.resource)));
        this.policyWarnings = enforcer.policy().warnings();
    }

    static Builder newBuilder() {
        return new Builder();
    }

    Enforcer enforcer() {
        return enforcer;
    }

    Mode mode() {
        return mode;
    }

    Responses responses() {
        return responses;
    }

    String metadataJson() {
        return metadataJson;
    }

    /**
     * Paths within the context where the metadata is served: the well-known path, and the same followed by the
     * resource identifier's path, which is where {@code resource_metadata} points (RFC 9728 §3.1).
     */
    Set<String> metadataPaths() {
        return metadataPaths;
    }

    List<String> policyWarnings() {
        return policyWarnings;
    }

    /**
     * Reads web.xml init-params, then context params, then system properties {@code enforcer.<name>}.
     *
     * @throws IllegalArgumentException naming the parameter and why
     */
    static FilterSettings fromConfig(FilterConfig config) {
        ServletContext context = config.getServletContext();
        UnaryOperator<String> lookup = name -> {
            String value = config.getInitParameter(name);
            if (value == null && context != null) {
                value = context.getInitParameter(name);
            }
            if (value == null) {
                value = System.getProperty("enforcer." + name);
            }
            return value == null || value.isBlank() ? null : value.strip();
        };
        return fromParameters(lookup, context);
    }

    static FilterSettings fromParameters(UnaryOperator<String> get, ServletContext context) {
        String issuer = required(get, "issuer");
        String jwksUri = get.apply("jwks-uri");
        String jwksFile = get.apply("jwks-file");
        if ((jwksUri == null) == (jwksFile == null)) {
            throw new IllegalArgumentException("give exactly one of jwks-uri and jwks-file");
        }
        TrustedIssuer.Builder<?> trusted = jwksUri != null
                ? build("jwks-uri", () -> TrustedIssuer.jwksUri(issuer, httpUrl(jwksUri)))
                : build("jwks-file", () -> TrustedIssuer.jwksFile(issuer, Path.of(jwksFile)));
        String audiences = required(get, "audience");
        apply("audience", () -> trusted.audiences(list(audiences)));
        ifSet(get, "algorithms", v -> trusted.algorithms(list(v)));
        ifSet(get, "clock-skew", v -> trusted.clockSkew(duration(v)));
        ifSet(get, "strict-token-type", v -> trusted.strictTokenType(bool(v)));
        TrustedIssuer trustedIssuer;
        try {
            trustedIssuer = trusted.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // build() checks what depends on several settings (a plain-http jwks-uri off loopback) and names
            // them in the builder's terms: name the parameter instead.
            String parameter = issuerParameterIn(e.getMessage(), issuer);
            throw new IllegalArgumentException("parameter " + parameter + ": " + e.getMessage(), e);
        }

        TokenVerifier.Builder verifier = TokenVerifier.newBuilder().trust(trustedIssuer);
        ifSet(get, "scope-claims", v -> verifier.scopeClaims(list(v)));
        ifSet(get, "tenant-claim", verifier::tenantClaim);
        ifSet(get, "realm-claim", verifier::realmClaim);
        ifSet(get, "cache-max-entries", v -> verifier.cacheMaxEntries(number(v)));
        ifSet(get, "cache-max-ttl", v -> verifier.cacheMaxTtl(duration(v)));
        ifSet(get, "max-token-length", v -> verifier.maxTokenLength(Math.toIntExact(number(v))));
        TokenVerifier tokenVerifier = build("issuer", verifier::build);

        String policyName = required(get, "policy");
        RoutePolicy policy = build("policy", () -> loadPolicy(policyName, context));
        Enforcer.Builder engine = Enforcer.newBuilder().verifier(tokenVerifier).policy(policy);
        ifSet(get, "cache-max-entries", v -> engine.decisionCacheMaxTokens(number(v)));

        Builder settings = newBuilder().enforcer(engine.build()).issuers(List.of(issuer));
        ifSet(get, "mode", v -> settings.mode(mode(v)));
        ifSet(get, "realm", settings::realm);
        ifSet(get, "resource-metadata", settings::resourceMetadata);
        ifSet(get, "retry-after", v -> settings.retryAfterSeconds(number(v)));
        return settings.build();
    }

    private static RoutePolicy loadPolicy(String name, ServletContext context) {
        if (context != null && name.startsWith("/")) {
            try (InputStream in = context.getResourceAsStream(name)) {
                if (in != null) {
                    return RoutePolicy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage(), e);
            }
        }
        if (name.startsWith("classpath:")) {
            String resource = name.substring("classpath:".length());
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no class-path resource " + resource);
                }
                return RoutePolicy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage(), e);
            }
        }
        Path file = Path.of(name);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("no readable policy at " + name
                    + " (a web-app resource such as /WEB-INF/policy.txt, classpath:..., or a file)");
        }
        return RoutePolicy.load(file);
    }

    private static String metadataUrl(String resource) {
        URI uri = URI.create(resource);
        return uri.getScheme() + "://" + uri.getRawAuthority() + ScopeEnforcementFilter.METADATA_PATH
                + resourcePath(resource);
    }

    /** The resource identifier's path as RFC 9728 §3.1 appends it to the well-known path; "" for none or "/". */
    private static String resourcePath(String resource) {
        String path = URI.create(resource).getRawPath();
        return path == null || path.equals("/") ? "" : path;
    }

    /** RFC 9728 §2 metadata: resource, authorization servers, scopes the policy names, header-only bearer. */
    private static String metadata(String resource, List<String> issuers, RoutePolicy policy) {
        Set<String> scopes = new TreeSet<>();
        for (Rule rule : policy.rules()) {
            if (rule.requirement().kind() != Requirement.Kind.SCOPES) {
                continue;
            }
            for (List<String> alternative : rule.requirement().alternatives()) {
                for (String scope : alternative) {
                    if (scope.indexOf('{') < 0) {
                        scopes.add(scope);
                    }
                }
            }
        }
        return "{\"resource\":" + Responses.Json.string(resource)
                + ",\"authorization_servers\":" + Responses.Json.array(issuers)
                + ",\"scopes_supported\":" + Responses.Json.array(new ArrayList<>(scopes))
                + ",\"bearer_methods_supported\":[\"header\"]}";
    }

    /** The parameter behind a {@link TrustedIssuer.Builder} setting named in its message; else {@code issuer}. */
    static String issuerParameterIn(String message, String issuer) {
        if (message == null) {
            return "issuer";
        }
        String prefix = "issuer " + issuer + ": ";
        String text = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        String parameter = "issuer";
        int first = Integer.MAX_VALUE;
        for (Map.Entry<String, String> setting : ISSUER_SETTINGS.entrySet()) {
            int at = text.indexOf(setting.getKey());
            if (at >= 0 && at < first) {
                first = at;
                parameter = setting.getValue();
            }
        }
        return parameter;
    }

    private static String required(UnaryOperator<String> get, String name) {
        String value = get.apply(name);
        if (value == null) {
            throw new IllegalArgumentException("parameter " + name + " is required");
        }
        return value;
    }

    private static URI httpUrl(String value) {
        URI uri = URI.create(value);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("must be an http or https URL");
        }
        return uri;
    }

    /** Hands a set parameter to {@code setter}, naming the parameter in any complaint. */
    private static void ifSet(UnaryOperator<String> get, String name, Consumer<String> setter) {
        String value = get.apply(name);
        if (value != null) {
            apply(name, () -> setter.accept(value));
        }
    }

    private static void apply(String name, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
        }
    }

    private static <T> T build(String name, java.util.function.Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
        }
    }

    static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        return out;
    }

    /** A whole number of at most nine digits; the message does not echo the value. */
    static long number(String value) {
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a whole number of at most nine digits");
        }
        return Long.parseLong(value);
    }

    /** Seconds ({@code 60}) or an ISO-8601 duration ({@code PT1M}). */
    static Duration duration(String value) {
        try {
            if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Duration.ofSeconds(number(value));
            }
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("not seconds or an ISO-8601 duration: " + UntrustedText.quote(value));
        }
    }

    static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false: " + UntrustedText.quote(value));
        };
    }

    static Mode mode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "enforcing" -> Mode.ENFORCING;
            case "permissive" -> Mode.PERMISSIVE;
            default -> throw new IllegalArgumentException("not enforcing or permissive: " + UntrustedText.quote(value));
        };
    }

    static final class Builder {
        private Enforcer enforcer;
        private Mode mode = Mode.ENFORCING;
        private String realm = "api";
        private String resource;
        private long retryAfterSeconds = 5;
        private List<String> issuers = List.of();

        private Builder() {
        }

        Builder enforcer(Enforcer enforcer) {
            this.enforcer = enforcer;
            return this;
        }

        Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        Builder realm(String realm) {
            this.realm = realm;
            return this;
        }

        Builder resourceMetadata(String resource) {
            URI uri = URI.create(resource);
            if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("must be an absolute URL without query or fragment");
            }
            this.resource = resource;
            return this;
        }

        Builder retryAfterSeconds(long seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("retry-after must be at least 1 second");
            }
            this.retryAfterSeconds = seconds;
            return this;
        }

        Builder issuers(List<String> issuers) {
            this.issuers = List.copyOf(issuers);
            return this;
        }

        FilterSettings build() {
            if (enforcer == null) {
                throw new IllegalStateException("enforcer is required");
            }
            return new FilterSettings(this);
        }
    }
}
