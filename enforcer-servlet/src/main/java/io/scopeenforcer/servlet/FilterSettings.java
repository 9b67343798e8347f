package io.scopeenforcer.servlet;

import io.scopeenforcer.DpopSettings;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.ReplayCache;
import io.scopeenforcer.Rule;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.internal.EngineAccess;
import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.servlet.ScopeEnforcementFilter.KeyPrefetch;
import io.scopeenforcer.servlet.ScopeEnforcementFilter.Mode;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import static io.scopeenforcer.servlet.FilterParameter.ALGORITHMS;
import static io.scopeenforcer.servlet.FilterParameter.AUDIENCE;
import static io.scopeenforcer.servlet.FilterParameter.CACHE_MAX_ENTRIES;
import static io.scopeenforcer.servlet.FilterParameter.CACHE_MAX_TTL;
import static io.scopeenforcer.servlet.FilterParameter.CHALLENGE_REALM;
import static io.scopeenforcer.servlet.FilterParameter.CLIENT_CERTIFICATE_HEADER;
import static io.scopeenforcer.servlet.FilterParameter.CLOCK_SKEW;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_ALGORITHMS;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_NONCE;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_NONCE_LIFETIME;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_NONCE_SECRET;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_ORIGIN;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_PROOF_WINDOW;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_REPLAY_CACHE;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_REPLAY_CACHE_MAX_ENTRIES;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_REPLAY_CACHE_OUTAGE;
import static io.scopeenforcer.servlet.FilterParameter.DPOP_REPLAY_CACHE_TIMEOUT;
import static io.scopeenforcer.servlet.FilterParameter.ISSUER;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CACHE_TTL;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CLIENT_ID;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CLIENT_SECRET;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_ENDPOINT;
import static io.scopeenforcer.servlet.FilterParameter.ISSUERS;
import static io.scopeenforcer.servlet.FilterParameter.JWKS_FILE;
import static io.scopeenforcer.servlet.FilterParameter.JWKS_URI;
import static io.scopeenforcer.servlet.FilterParameter.KEY_PREFETCH;
import static io.scopeenforcer.servlet.FilterParameter.MAX_CONCRETE_ISSUERS;
import static io.scopeenforcer.servlet.FilterParameter.MAX_TOKEN_LENGTH;
import static io.scopeenforcer.servlet.FilterParameter.MODE;
import static io.scopeenforcer.servlet.FilterParameter.POLICY;
import static io.scopeenforcer.servlet.FilterParameter.REALM_CLAIM;
import static io.scopeenforcer.servlet.FilterParameter.RESOURCE_METADATA;
import static io.scopeenforcer.servlet.FilterParameter.RETRY_AFTER;
import static io.scopeenforcer.servlet.FilterParameter.SCOPE_CLAIMS;
import static io.scopeenforcer.servlet.FilterParameter.SENDER_CONSTRAINED;
import static io.scopeenforcer.servlet.FilterParameter.SIGNATURE_PROVIDER;
import static io.scopeenforcer.servlet.FilterParameter.STRICT_TOKEN_TYPE;
import static io.scopeenforcer.servlet.FilterParameter.TENANT_CLAIM;

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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** The filter's configuration, read once: the engine, the mode and how responses look. Immutable. */
final class FilterSettings {

    private static final System.Logger LOG = System.getLogger(ScopeEnforcementFilter.class.getName());

    private final Enforcer enforcer;
    private final Mode mode;
    private final Responses responses;
    private final String metadataJson;
    private final Set<String> metadataPaths;
    private final List<String> policyWarnings;
    private final KeyPrefetch keyPrefetch;
    private final Object meterRegistry;
    private final String clientCertificateHeader;
    private final AutoCloseable replayStore;

    private FilterSettings(Builder b) {
        this.enforcer = b.enforcer;
        this.mode = b.mode != null ? b.mode : Mode.ENFORCING;
        this.keyPrefetch = b.keyPrefetch != null ? b.keyPrefetch : KeyPrefetch.OFF;
        this.meterRegistry = b.meterRegistry;
        this.clientCertificateHeader = b.clientCertificateHeader;
        this.replayStore = b.replayStore;
        String metadataUrl = b.resource == null ? null : metadataUrl(b.resource);
        DpopSettings dpop = enforcer.dpop();
        this.responses = new Responses(b.realm != null ? b.realm : "api", metadataUrl,
                dpop == null ? null : dpop.algorithms(), enforcer.senderConstraint() != Enforcer.SenderConstraint.DPOP);
        RoutePolicy policy = EngineAccess.policy(enforcer);
        boolean senderConstraints = dpop != null || enforcer.senderConstraint() != Enforcer.SenderConstraint.OPTIONAL
                || clientCertificateHeader != null;
        this.metadataJson = b.resource == null ? null
                : metadata(b.resource, b.issuers != null ? b.issuers : List.of(), EngineAccess.scopesSupported(enforcer))
                        + (senderConstraints ? senderConstraintMetadata(enforcer) : "") + "}";
        this.metadataPaths = b.resource == null ? Set.of()
                : Set.copyOf(List.of(ScopeEnforcementFilter.METADATA_PATH,
                        ScopeEnforcementFilter.METADATA_PATH + resourcePath(b.resource)));
        this.policyWarnings = policy.warnings();
    }

    /** Closes what these settings opened (the Redis replay cache's connection); the filter is destroyed. */
    void close() {
        if (replayStore != null) {
            try {
                replayStore.close();
            } catch (Exception e) {
                // Closing is best effort: the filter is going away either way.
            }
        }
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

    KeyPrefetch keyPrefetch() {
        return keyPrefetch;
    }

    /** The request header a TLS-terminating proxy puts the client certificate in, or null (container TLS only). */
    String clientCertificateHeader() {
        return clientCertificateHeader;
    }

    /** The Micrometer registry given in code, or null (then the context attribute is looked at). */
    Object meterRegistry() {
        return meterRegistry;
    }

    /**
     * Reads each {@link FilterParameter} from web.xml init-params, then context params {@code enforcer.<name>},
     * then system properties {@code enforcer.<name>}. Context params without the prefix belong to the web app
     * and other libraries, and are never read.
     *
     * @throws BadParameter naming the parameter and why; also for a name no parameter has
     */
    static FilterSettings fromConfig(FilterConfig config) {
        ServletContext context = config.getServletContext();
        checkNames(config, context);
        return fromParameters(parameter -> lookup(parameter, config, context), context);
    }

    private static String lookup(FilterParameter parameter, FilterConfig config, ServletContext context) {
        List<String> names = parameter.spellings();
        // Source before name: an init-param under the deprecated name still beats a context param.
        List<Function<String, String>> sources = List.of(
                config::getInitParameter,
                name -> context == null ? null : context.getInitParameter(FilterParameter.PREFIX + name),
                name -> System.getProperty(FilterParameter.PREFIX + name));
        for (Function<String, String> source : sources) {
            for (String name : names) {
                String value = source.apply(name);
                if (value != null) {
                    if (!name.equals(parameter.parameterName())) {
                        LOG.log(System.Logger.Level.WARNING, "scope-enforcer: parameter {0} is deprecated; use {1}",
                                name, parameter.parameterName());
                    }
                    return value.isBlank() ? null : value.strip();
                }
            }
        }
        return null;
    }

    /**
     * Fails on any name the filter does not read: every init-param (the filter owns them all), and every context
     * param and system property that starts with {@code enforcer.}.
     */
    private static void checkNames(FilterConfig config, ServletContext context) {
        for (String name : Collections.list(config.getInitParameterNames())) {
            checkName(name, name);
        }
        if (context != null) {
            for (String name : Collections.list(context.getInitParameterNames())) {
                if (name.startsWith(FilterParameter.PREFIX)) {
                    checkName(name, name.substring(FilterParameter.PREFIX.length()));
                }
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(FilterParameter.PREFIX)) {
                checkName(name, name.substring(FilterParameter.PREFIX.length()));
            }
        }
    }

    private static void checkName(String written, String name) {
        if (FilterParameter.named(name).isPresent()) {
            return;
        }
        String quoted = UntrustedText.quote(written);
        throw new BadParameter(quoted, "unknown parameter" + FilterParameter.closest(name)
                .map(p -> "; did you mean " + p.parameterName() + "?")
                .orElse("; the filter reads " + String.join(", ", FilterParameter.names())), null);
    }

    /**
     * Builds the settings from a parameter lookup (null for unset).
     *
     * @throws BadParameter naming the parameter and why
     */
    static FilterSettings fromParameters(Function<FilterParameter, String> get, ServletContext context) {
        String issuersFile = get.apply(ISSUERS);
        List<TrustedIssuer> trustedIssuers;
        if (issuersFile == null) {
            if (get.apply(ISSUER) == null) {
                throw new BadParameter(ISSUER.parameterName(), "is required (or issuers, naming an issuers file)", null);
            }
            trustedIssuers = List.of(trustedIssuer(get, false));
        } else {
            for (FilterParameter perIssuer : IssuersFile.PER_ISSUER) {
                if (perIssuer != ISSUERS && !IssuersFile.DEFAULTS.contains(perIssuer) && get.apply(perIssuer) != null) {
                    throw new BadParameter(perIssuer.parameterName(), "is set for each issuer in the issuers file ("
                            + issuersFile + ") when issuers is given", null);
                }
            }
            String text = build(ISSUERS, () -> loadText(issuersFile, context));
            trustedIssuers = build(ISSUERS, () -> IssuersFile.parse(text, issuersFile));
        }

        TokenVerifier.Builder verifier = TokenVerifier.newBuilder();
        trustedIssuers.forEach(verifier::trust);
        ifSet(get, SCOPE_CLAIMS, v -> verifier.scopeClaims(list(v)));
        ifSet(get, TENANT_CLAIM, verifier::tenantClaim);
        ifSet(get, REALM_CLAIM, verifier::realmClaim);
        ifSet(get, CACHE_MAX_ENTRIES, v -> verifier.cacheMaxEntries(number(v)));
        ifSet(get, CACHE_MAX_TTL, v -> verifier.cacheMaxTtl(duration(v)));
        ifSet(get, MAX_TOKEN_LENGTH, v -> verifier.maxTokenLength(Math.toIntExact(number(v))));
        TokenVerifier tokenVerifier = build(ISSUER, verifier::build);

        String policyName = required(get, POLICY);
        RoutePolicy policy = build(POLICY, () -> loadPolicy(policyName, context));
        Enforcer.Builder engine = Enforcer.newBuilder().verifier(tokenVerifier).policy(policy);
        ifSet(get, RETRY_AFTER, v -> engine.retryAfter(Duration.ofSeconds(number(v))));
        RedisReplayCache replayStore = null;
        String dpopOrigin = get.apply(DPOP_ORIGIN);
        if (dpopOrigin != null && !"off".equalsIgnoreCase(dpopOrigin)) {
            DpopSettings.Builder dpop = DpopSettings.newBuilder();
            apply(DPOP_ORIGIN, () -> dpop.origin(dpopOrigin));
            ifSet(get, DPOP_ALGORITHMS, v -> dpop.algorithms(list(v)));
            ifSet(get, DPOP_PROOF_WINDOW, v -> dpop.proofWindow(duration(v)));
            ifSet(get, DPOP_REPLAY_CACHE_MAX_ENTRIES, v -> dpop.replayCacheMaxEntries(number(v)));
            dpopNonces(get, dpop);
            replayStore = replayStore(get);
            if (replayStore != null) {
                ReplayCache shared = replayStore;
                apply(DPOP_REPLAY_CACHE, () -> dpop.replayCache(shared));
            }
            engine.dpop(build(DPOP_ORIGIN, dpop::build));
        } else {
            for (Rule rule : policy.rules()) {
                if (rule.senderConstraint() == Enforcer.SenderConstraint.DPOP) {
                    throw new BadParameter(POLICY.parameterName(), rule.source()
                            + ": sender-constrained=dpop needs dpop-origin (DPoP is off)", null);
                }
            }
            for (FilterParameter p : List.of(DPOP_ALGORITHMS, DPOP_PROOF_WINDOW, DPOP_REPLAY_CACHE_MAX_ENTRIES,
                    DPOP_REPLAY_CACHE, DPOP_REPLAY_CACHE_TIMEOUT, DPOP_REPLAY_CACHE_OUTAGE, DPOP_NONCE,
                    DPOP_NONCE_LIFETIME, DPOP_NONCE_SECRET)) {
                if (get.apply(p) != null) {
                    throw new BadParameter(p.parameterName(), "needs dpop-origin (DPoP is off)", null);
                }
            }
        }
        ifSet(get, SENDER_CONSTRAINED, v -> engine.senderConstraint(senderConstrained(v)));

        Builder settings = newBuilder().enforcer(build(SENDER_CONSTRAINED, engine::build)).replayStore(replayStore)
                // RFC 9728 authorization_servers are issuer identifiers: a template is none.
                .issuers(trustedIssuers.stream().filter(i -> !i.isTemplate()).map(TrustedIssuer::issuer).toList());
        ifSet(get, MODE, v -> settings.mode(mode(v)));
        ifSet(get, CHALLENGE_REALM, settings::challengeRealm);
        ifSet(get, RESOURCE_METADATA, settings::resourceMetadata);
        ifSet(get, KEY_PREFETCH, v -> settings.keyPrefetch(keyPrefetch(v)));
        ifSet(get, CLIENT_CERTIFICATE_HEADER, v -> {
            if (!"off".equalsIgnoreCase(v)) {
                settings.clientCertificateHeader(v);
            }
        });
        return settings.build();
    }

    /**
     * One trusted issuer from these parameters: {@code issuer}, its key source ({@code jwks-uri}, {@code jwks-file},
     * or neither for discovery), {@code audience}, {@code algorithms}, {@code clock-skew}, {@code strict-token-type},
     * {@code signature-provider}, and, when {@code claimNames}, its own {@code scope-claims}, {@code tenant-claim} and
     * {@code realm-claim} (an issuers-file entry; the single issuer leaves them to the verifier).
     *
     * @throws BadParameter naming the parameter and why
     */
    static TrustedIssuer trustedIssuer(Function<FilterParameter, String> get, boolean claimNames) {
        String issuer = required(get, ISSUER);
        String jwksUri = get.apply(JWKS_URI);
        String jwksFile = get.apply(JWKS_FILE);
        if (jwksUri != null && jwksFile != null) {
            throw new BadParameter(JWKS_URI.parameterName(), "give at most one of jwks-uri and jwks-file", null);
        }
        // Neither: the JWKS URI is discovered from the issuer's metadata (OpenID Connect Discovery, RFC 8414).
        FilterParameter keySource = jwksUri != null ? JWKS_URI : jwksFile != null ? JWKS_FILE : ISSUER;
        // A brace makes the issuer a template (TrustedIssuer.issuerTemplate), whose jwks-uri is a template too.
        boolean template = issuer.indexOf('{') >= 0;
        String maxConcrete = get.apply(MAX_CONCRETE_ISSUERS);
        if (template && jwksFile != null) {
            throw new BadParameter(JWKS_FILE.parameterName(), "an issuer template takes jwks-uri (a template holding"
                    + " {tenant}) or discovery: one key file for every tenant would let one tenant sign for another",
                    null);
        }
        if (!template && maxConcrete != null) {
            throw new BadParameter(MAX_CONCRETE_ISSUERS.parameterName(), "needs an issuer template (an issuer holding"
                    + " {tenant})", null);
        }
        // One entry point per key source (TrustedIssuer.jwksUri / jwksFile / discovery): each checks its own value.
        TrustedIssuer.Builder<?> trusted = template ? templateIssuer(issuer, jwksUri, maxConcrete)
                : jwksUri != null ? build(JWKS_URI, () -> TrustedIssuer.jwksUri(issuer, httpUrl(jwksUri)))
                : jwksFile != null ? build(JWKS_FILE, () -> TrustedIssuer.jwksFile(issuer, Path.of(jwksFile)))
                : build(ISSUER, () -> TrustedIssuer.discovery(issuer));
        String audiences = required(get, AUDIENCE);
        apply(AUDIENCE, () -> trusted.audiences(list(audiences)));
        ifSet(get, ALGORITHMS, v -> trusted.algorithms(list(v)));
        ifSet(get, CLOCK_SKEW, v -> trusted.clockSkew(duration(v)));
        ifSet(get, STRICT_TOKEN_TYPE, v -> trusted.strictTokenType(bool(v)));
        ifSet(get, SIGNATURE_PROVIDER, trusted::signatureProvider);
        String introspection = get.apply(INTROSPECTION_ENDPOINT);
        String clientId = get.apply(INTROSPECTION_CLIENT_ID);
        String clientSecret = get.apply(INTROSPECTION_CLIENT_SECRET);
        if (introspection == null && (clientId != null || clientSecret != null)) {
            throw new BadParameter((clientId != null ? INTROSPECTION_CLIENT_ID : INTROSPECTION_CLIENT_SECRET)
                    .parameterName(), "needs introspection-endpoint", null);
        }
        if (introspection != null) {
            if (clientId == null || clientSecret == null) {
                throw new BadParameter(INTROSPECTION_ENDPOINT.parameterName(),
                        "needs introspection-client-id and introspection-client-secret (RFC 7662 §2.1)", null);
            }
            apply(INTROSPECTION_ENDPOINT, () -> trusted.introspection(httpUrl(introspection), clientId, clientSecret));
            ifSet(get, INTROSPECTION_CACHE_TTL, v -> trusted.introspectionCacheTtl(duration(v)));
        } else if (get.apply(INTROSPECTION_CACHE_TTL) != null) {
            throw new BadParameter(INTROSPECTION_CACHE_TTL.parameterName(), "needs introspection-endpoint", null);
        }
        if (claimNames) {
            ifSet(get, SCOPE_CLAIMS, v -> trusted.scopeClaims(list(v)));
            ifSet(get, TENANT_CLAIM, trusted::tenantClaim);
            ifSet(get, REALM_CLAIM, trusted::realmClaim);
        }
        // What build() still checks is the key source itself (plain http off a loopback host, keys of no
        // accepted algorithm): every single value was checked by the setter that took it.
        return build(keySource, trusted::build);
    }

    /** An issuer template with its JWKS URI template (else discovery per concrete issuer) and its bound. */
    private static TrustedIssuer.JwksUriBuilder templateIssuer(String issuer, String jwksUri, String maxConcrete) {
        TrustedIssuer.JwksUriBuilder trusted = build(ISSUER, () -> TrustedIssuer.issuerTemplate(issuer));
        if (jwksUri != null) {
            apply(JWKS_URI, () -> trusted.jwksUriTemplate(jwksUri));
        }
        if (maxConcrete != null) {
            apply(MAX_CONCRETE_ISSUERS, () -> trusted.maxConcreteIssuers(Math.toIntExact(number(maxConcrete))));
        }
        return trusted;
    }

    /** The text of a web-app resource ({@code /WEB-INF/...}), a {@code classpath:} resource, or a file. */
    private static String loadText(String name, ServletContext context) {
        try {
            if (context != null && name.startsWith("/")) {
                try (InputStream in = context.getResourceAsStream(name)) {
                    if (in != null) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
            if (name.startsWith("classpath:")) {
                String resource = name.substring("classpath:".length());
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no class-path resource " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path file = Path.of(name);
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("nothing readable at " + name
                        + " (a web-app resource such as /WEB-INF/issuers.properties, classpath:..., or a file)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getClass().getSimpleName(), e);
        }
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

    /**
     * RFC 9728 §2 metadata, without its closing brace: resource, authorization servers, scopes the policy names,
     * header-only bearer.
     */
    private static String metadata(String resource, List<String> issuers, List<String> scopes) {
        return "{\"resource\":" + Responses.Json.string(resource)
                + ",\"authorization_servers\":" + Responses.Json.array(issuers)
                + ",\"scopes_supported\":" + Responses.Json.array(scopes)
                + ",\"bearer_methods_supported\":[\"header\"]";
    }

    /**
     * RFC 9728 §2's sender-constraint members, for a deployment that configured any: the DPoP algorithms and
     * whether DPoP-bound tokens are required, and that certificate-bound tokens (RFC 8705) are honoured.
     */
    private static String senderConstraintMetadata(Enforcer enforcer) {
        DpopSettings dpop = enforcer.dpop();
        StringBuilder out = new StringBuilder();
        if (dpop != null) {
            out.append(",\"dpop_signing_alg_values_supported\":").append(Responses.Json.array(dpop.algorithms()));
        }
        out.append(",\"dpop_bound_access_tokens_required\":")
                .append(enforcer.senderConstraint() == Enforcer.SenderConstraint.DPOP);
        out.append(",\"tls_client_certificate_bound_access_tokens\":true");
        return out.toString();
    }

    private static String required(Function<FilterParameter, String> get, FilterParameter parameter) {
        String value = get.apply(parameter);
        if (value == null) {
            throw new BadParameter(parameter.parameterName(), "is required", null);
        }
        return value;
    }

    private static URI httpUrl(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + UntrustedText.quote(value));
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("must be an http or https URL");
        }
        return uri;
    }

    /** Hands a set parameter to {@code setter}, naming the parameter in any complaint. */
    /**
     * {@code dpop-nonce}, its lifetime and secret. The secret's characters are its key (UTF-8); a message about it
     * never holds it.
     */
    private static void dpopNonces(Function<FilterParameter, String> get, DpopSettings.Builder dpop) {
        String mode = get.apply(DPOP_NONCE);
        boolean required = mode != null && switch (mode.toLowerCase(Locale.ROOT)) {
            case "required" -> true;
            case "off" -> false;
            default -> throw new BadParameter(DPOP_NONCE.parameterName(),
                    "not off or required: " + UntrustedText.quote(mode), null);
        };
        if (!required) {
            for (FilterParameter p : List.of(DPOP_NONCE_LIFETIME, DPOP_NONCE_SECRET)) {
                if (get.apply(p) != null) {
                    throw new BadParameter(p.parameterName(), "needs dpop-nonce=required", null);
                }
            }
            return;
        }
        String lifetime = get.apply(DPOP_NONCE_LIFETIME);
        apply(DPOP_NONCE_LIFETIME, () -> dpop.requireNonce(lifetime == null ? DpopSettings.DEFAULT_NONCE_LIFETIME
                : duration(lifetime)));
        String secret = get.apply(DPOP_NONCE_SECRET);
        if (secret != null) {
            apply(DPOP_NONCE_SECRET, () -> dpop.nonceSecret(secret.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * The Redis replay cache {@code dpop-replay-cache} names, or null for {@code memory}. Lettuce is optional: its
     * absence is a clear start-up error, and {@link RedisReplayCache} is loaded only here.
     */
    private static RedisReplayCache replayStore(Function<FilterParameter, String> get) {
        String where = get.apply(DPOP_REPLAY_CACHE);
        String timeout = get.apply(DPOP_REPLAY_CACHE_TIMEOUT);
        String outage = get.apply(DPOP_REPLAY_CACHE_OUTAGE);
        if (where == null || "memory".equalsIgnoreCase(where)) {
            for (FilterParameter p : List.of(DPOP_REPLAY_CACHE_TIMEOUT, DPOP_REPLAY_CACHE_OUTAGE)) {
                if (get.apply(p) != null) {
                    throw new BadParameter(p.parameterName(), "needs a redis:// dpop-replay-cache", null);
                }
            }
            return null;
        }
        String scheme = where.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("redis://") && !scheme.startsWith("rediss://")) {
            // Never quote the value: a Redis URL may carry a password.
            throw new BadParameter(DPOP_REPLAY_CACHE.parameterName(), "not memory or a redis:// URL", null);
        }
        if (get.apply(DPOP_REPLAY_CACHE_MAX_ENTRIES) != null) {
            throw new BadParameter(DPOP_REPLAY_CACHE_MAX_ENTRIES.parameterName(),
                    "sizes the memory cache only; dpop-replay-cache is redis", null);
        }
        Duration wait = Duration.ofMillis(200);
        if (timeout != null) {
            long millis;
            try {
                millis = number(timeout);
            } catch (IllegalArgumentException e) {
                throw new BadParameter(DPOP_REPLAY_CACHE_TIMEOUT.parameterName(), e.getMessage(), e);
            }
            if (millis < 1) {
                throw new BadParameter(DPOP_REPLAY_CACHE_TIMEOUT.parameterName(), "must be at least 1 ms", null);
            }
            wait = Duration.ofMillis(millis);
        }
        boolean failOpen = false;
        if (outage != null) {
            switch (outage.toLowerCase(Locale.ROOT)) {
                case "fail-closed" -> failOpen = false;
                case "fail-open" -> failOpen = true;
                default -> throw new BadParameter(DPOP_REPLAY_CACHE_OUTAGE.parameterName(),
                        "not fail-closed or fail-open: " + UntrustedText.quote(outage), null);
            }
        }
        try {
            Class.forName("io.lettuce.core.RedisClient", false, FilterSettings.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BadParameter(DPOP_REPLAY_CACHE.parameterName(),
                    "a Redis replay cache needs io.lettuce:lettuce-core on the filter's class path", null);
        }
        try {
            return RedisReplayCache.open(where, wait, failOpen);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(DPOP_REPLAY_CACHE.parameterName(), e.getMessage(), null);
        }
    }

    private static void ifSet(Function<FilterParameter, String> get, FilterParameter parameter,
            Consumer<String> setter) {
        String value = get.apply(parameter);
        if (value != null) {
            apply(parameter, () -> setter.accept(value));
        }
    }

    private static void apply(FilterParameter parameter, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadParameter(parameter.parameterName(), e.getMessage(), e);
        }
    }

    private static <T> T build(FilterParameter parameter, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new BadParameter(parameter.parameterName(), e.getMessage(), e);
        }
    }

    /**
     * A bad or unknown parameter, naming it; {@link ScopeEnforcementFilter#init} turns it into a
     * {@link ConfigurationException}.
     */
    static final class BadParameter extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String parameter;

        BadParameter(String parameter, String message, Throwable cause) {
            super("parameter " + parameter + ": " + message, cause);
            this.parameter = parameter;
        }

        String parameter() {
            return parameter;
        }

        /** The message without the {@code parameter <name>: } prefix. */
        String reason() {
            return getMessage().substring(("parameter " + parameter + ": ").length());
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

    static Enforcer.SenderConstraint senderConstrained(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "optional" -> Enforcer.SenderConstraint.OPTIONAL;
            case "required" -> Enforcer.SenderConstraint.REQUIRED;
            case "dpop" -> Enforcer.SenderConstraint.DPOP;
            default -> throw new IllegalArgumentException("not optional, required or dpop: " + UntrustedText.quote(value));
        };
    }

    static KeyPrefetch keyPrefetch(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "off" -> KeyPrefetch.OFF;
            case "warn" -> KeyPrefetch.WARN;
            case "fail" -> KeyPrefetch.FAIL;
            default -> throw new IllegalArgumentException("not off, warn or fail: " + UntrustedText.quote(value));
        };
    }

    /** Each setting once ({@link Settings#once}); the public {@link ScopeEnforcementFilter.Builder} feeds it. */
    static final class Builder {
        private Enforcer enforcer;
        private Mode mode;
        private KeyPrefetch keyPrefetch;
        private Object meterRegistry;
        private String realm;
        private String resource;
        private List<String> issuers;
        private String clientCertificateHeader;
        private AutoCloseable replayStore;

        private Builder() {
        }

        /** A shared replay cache to close with the filter, or null. */
        Builder replayStore(AutoCloseable store) {
            this.replayStore = store;
            return this;
        }

        Builder clientCertificateHeader(String name) {
            Settings.once(clientCertificateHeader, "clientCertificateHeader");
            if (name.isEmpty() || !name.chars().allMatch(c -> c < 0x7F && (Character.isLetterOrDigit(c) || c == '-'
                    || c == '_'))) {
                throw new IllegalArgumentException("not a header name: " + UntrustedText.quote(name));
            }
            if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("DPoP")) {
                throw new IllegalArgumentException("not a header for the client certificate: " + UntrustedText.quote(name));
            }
            this.clientCertificateHeader = name;
            return this;
        }

        Builder enforcer(Enforcer enforcer) {
            Settings.once(this.enforcer, "enforcer");
            this.enforcer = enforcer;
            return this;
        }

        Builder mode(Mode mode) {
            Settings.once(this.mode, "mode");
            this.mode = mode;
            return this;
        }

        Builder challengeRealm(String realm) {
            Settings.once(this.realm, "challengeRealm");
            this.realm = realm;
            return this;
        }

        Builder resourceMetadata(String resource) {
            Settings.once(this.resource, "resourceMetadata");
            URI uri;
            try {
                uri = new URI(resource);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + UntrustedText.quote(resource));
            }
            if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("must be an absolute URL without query or fragment");
            }
            this.resource = resource;
            return this;
        }

        Builder keyPrefetch(KeyPrefetch prefetch) {
            Settings.once(keyPrefetch, "keyPrefetch");
            this.keyPrefetch = prefetch;
            return this;
        }

        Builder meterRegistry(Object registry) {
            Settings.once(meterRegistry, "meterRegistry");
            this.meterRegistry = registry;
            return this;
        }

        Builder issuers(List<String> issuers) {
            Settings.once(this.issuers, "issuers");
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
