package io.scopeenforcer.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import io.scopeenforcer.internal.UntrustedText;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bottom of a discovery issuer's JWKS chain: finds the issuer's {@code jwks_uri} in its metadata, then fetches
 * the JWK set there like {@code URLBasedJWKSetSource} (which it becomes). Nothing is fetched until the first
 * token needs keys, so an application starts while its issuer is down; until the metadata arrives every key
 * request fails as keys unavailable (503), and metadata attempts back off, doubling from 1 s to 60 s, on top of
 * the chain's rate limit. Once found, the {@code jwks_uri} is kept for the life of the verifier.
 *
 * <p>Metadata is read from OpenID Connect Discovery 1.0 §4 ({@code {issuer}/.well-known/openid-configuration}),
 * else RFC 8414 §3.1 ({@code /.well-known/oauth-authorization-server} inserted before the issuer's path). A
 * document is used only when its {@code issuer} equals the configured one exactly (RFC 8414 §3.3; OIDC Discovery
 * §4.3), which stops one issuer's metadata from naming another issuer's keys; its {@code jwks_uri} must be
 * {@code https} (or {@code http} on a loopback host), as a configured JWKS URI must, and for a concrete issuer of an
 * issuer template it must have the template's scheme, host and port. Thread-safe.
 */
final class DiscoveredJwksSource implements JWKSetSource<SecurityContext> {

    static final long MIN_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    private final String issuer;
    private final List<URI> metadataUris;
    private final ResourceRetriever retriever;
    private final boolean allowUnsafeHttp;
    /** For a template's concrete issuer: the template whose scheme, host and port the jwks_uri must have; else null. */
    private final IssuerTemplate sameOrigin;
    private volatile JWKSetSource<SecurityContext> keys;
    private volatile URI jwksUri;
    /** Guarded by this. */
    private long nextAttempt;
    /** Guarded by this. */
    private long backoff = MIN_BACKOFF_MILLIS;
    /** Why the last attempt failed, kept as the cause while backing off; guarded by this. */
    private Exception lastCause;

    DiscoveredJwksSource(String issuer, ResourceRetriever retriever, boolean allowUnsafeHttp,
            IssuerTemplate sameOrigin) {
        this.issuer = issuer;
        this.metadataUris = metadataUris(issuer);
        this.retriever = retriever;
        this.allowUnsafeHttp = allowUnsafeHttp;
        this.sameOrigin = sameOrigin;
    }

    /**
     * Where the metadata is looked for, in order: OpenID Connect Discovery's location (the issuer, less a trailing
     * {@code /}, then {@code /.well-known/openid-configuration}), then RFC 8414 §3.1's (the well-known path
     * inserted between the host and the issuer's path, whose trailing {@code /} is removed).
     *
     * @throws IllegalArgumentException when the issuer is not an absolute http(s) URL with a host, or has a query
     *     or fragment (RFC 8414 §2)
     */
    static List<URI> metadataUris(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("discovery: issuer is not a URL: " + UntrustedText.quote(issuer));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("discovery: issuer must be an absolute http(s) URL with a host and"
                    + " no query or fragment: " + UntrustedText.quote(issuer));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        return List.of(URI.create(origin + path + "/.well-known/openid-configuration"),
                URI.create(origin + "/.well-known/oauth-authorization-server" + path));
    }

    /** The discovered JWKS URI, or null before the metadata arrived. */
    URI jwksUri() {
        return jwksUri;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        JWKSetSource<SecurityContext> source = keys;
        if (source == null) {
            source = discover();
        }
        return source.getJWKSet(refreshEvaluator, currentTime, context);
    }

    private synchronized JWKSetSource<SecurityContext> discover() throws KeySourceException {
        if (keys != null) {
            return keys;
        }
        long now = System.currentTimeMillis();
        if (now < nextAttempt) {
            throw new KeySourceException("metadata of issuer " + issuer + " unavailable; next attempt in "
                    + (nextAttempt - now) + " ms", lastCause);
        }
        List<String> failures = new ArrayList<>();
        // The cause KeySetStatus shows: a refused document says more than the other location's 404.
        Exception cause = null;
        for (URI location : metadataUris) {
            try {
                URI found = fetch(location);
                jwksUri = found;
                keys = new URLBasedJWKSetSource<>(found.toURL(), retriever);
                backoff = MIN_BACKOFF_MILLIS;
                return keys;
            } catch (IOException | ParseException | IllegalArgumentException e) {
                failures.add(location.getRawPath() + ": " + e.getClass().getSimpleName() + " "
                        + UntrustedText.quote(String.valueOf(e.getMessage())));
                if (cause == null || cause instanceof IOException && !(e instanceof IOException)) {
                    cause = e;
                }
            }
        }
        lastCause = cause;
        nextAttempt = now + backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        throw new KeySourceException("no usable metadata for issuer " + issuer + ": " + String.join("; ", failures),
                cause);
    }

    /** The {@code jwks_uri} of the metadata at {@code location}, checked. */
    private URI fetch(URI location) throws IOException, ParseException {
        Resource resource = retriever.retrieveResource(location.toURL());
        Map<String, Object> metadata = JSONObjectUtils.parse(resource.getContent());
        Object named = metadata.get("issuer");
        // RFC 8414 §3.3: the issuer in the metadata must be identical to the one the metadata was looked up for.
        if (!issuer.equals(named)) {
            throw new IllegalArgumentException("issuer mismatch: the metadata names "
                    + UntrustedText.quote(String.valueOf(named)));
        }
        if (!(metadata.get("jwks_uri") instanceof String text)) {
            throw new IllegalArgumentException("no jwks_uri string in the metadata");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("jwks_uri is not a URL: " + UntrustedText.quote(text));
        }
        checkHttps(uri, allowUnsafeHttp, "jwks_uri");
        if (sameOrigin != null && !sameOrigin.sameOrigin(uri)) {
            // RFC 8725 §3.10: the issuer's path came from a token; its metadata must not send a fetch elsewhere.
            throw new IllegalArgumentException("jwks_uri off the template origin " + sameOrigin.origin() + ": "
                    + UntrustedText.quote(text));
        }
        return uri;
    }

    /**
     * An absolute http(s) URL with a host, {@code https} unless the host is loopback or {@code allowUnsafeHttp}.
     *
     * @throws IllegalArgumentException otherwise, naming {@code what}
     */
    static void checkHttps(URI uri, boolean allowUnsafeHttp, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(what + " must be an absolute http(s) URL: "
                    + UntrustedText.quote(uri.toString()));
        }
        try {
            uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a valid URL: " + UntrustedText.quote(uri.toString()));
        }
        if (!allowUnsafeHttp && scheme.equals("http") && !isLoopback(uri)) {
            throw new IllegalArgumentException(what + " not https off loopback: " + UntrustedText.quote(uri.toString()));
        }
    }

    static boolean isLoopback(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    @Override
    public void close() throws IOException {
        JWKSetSource<SecurityContext> source = keys;
        if (source != null) {
            source.close();
        }
    }
}
