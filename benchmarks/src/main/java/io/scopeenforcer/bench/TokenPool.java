package io.scopeenforcer.bench;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.testing.TestKeys;
import io.scopeenforcer.token.TrustedIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A pool of distinct, validly signed access tokens from one issuer key (RS256 on RSA 2048, or ES256 on P-256),
 * shaped like the example app's development-issuer tokens. Keys are made at run time by {@link TestIssuer};
 * nothing is committed.
 *
 * <p>Signing is the slow part (about 1.3 ms per RS256 token on this machine), and every JMH fork would pay it
 * again, so the pool is written once to {@code ${java.io.tmpdir}/scope-enforcer-bench/} (the public key and the
 * tokens, never a private key) and reused by later forks for {@link #REUSE_FOR} while its tokens have more than
 * {@link #MIN_REMAINING_LIFETIME} to live. Immutable.
 */
final class TokenPool {

    static final String ISSUER = "https://idp.bench.example";
    static final String AUDIENCE = "https://api.bench.example";
    /** Grants every route of the benchmark request stream (see {@link Fixtures#ROUTES}). */
    static final String SCOPE = "urn:opc:resource:consumer:paas:analytics::read"
            + " urn:opc:resource:consumer:paas:stack::write applications:read groups:read";
    static final Duration LIFETIME = Duration.ofHours(3);
    static final Duration REUSE_FOR = Duration.ofMinutes(60);
    static final Duration MIN_REMAINING_LIFETIME = Duration.ofMinutes(90);

    private final String algorithm;
    private final JWK publicJwk;
    private final List<String> tokens;

    private TokenPool(String algorithm, JWK publicJwk, List<String> tokens) {
        this.algorithm = algorithm;
        this.publicJwk = publicJwk;
        this.tokens = List.copyOf(tokens);
    }

    /** The pool for {@code RS256} or {@code ES256} with at least {@code size} tokens, from disk or made now. */
    static TokenPool get(String algorithm, int size) {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "scope-enforcer-bench",
                "pool-" + algorithm + "-" + size + ".txt");
        TokenPool pool = read(file, algorithm, size);
        if (pool != null) {
            return pool;
        }
        pool = mint(algorithm, size);
        write(file, pool);
        return pool;
    }

    /** Mints {@code size} tokens now, in parallel, with a fresh key. */
    static TokenPool mint(String algorithm, int size) {
        TestIssuer idp = TestIssuer.create(ISSUER);
        TestKeys key = switch (algorithm) {
            case "RS256" -> idp.rsa();
            case "ES256" -> idp.ec();
            default -> throw new IllegalArgumentException("RS256 or ES256, not " + algorithm);
        };
        Instant now = Instant.now();
        List<String> tokens = IntStream.range(0, size).parallel()
                .mapToObj(i -> idp.token()
                        .signedWith(key)
                        .audienceArray(AUDIENCE)
                        .subject("user-" + i)
                        .clientId("bench-client")
                        .scope(SCOPE)
                        .tenant("acme")
                        .realm("prod")
                        .notBefore(now)
                        .expiresIn(LIFETIME)
                        .sign())
                .collect(Collectors.toList());
        return new TokenPool(algorithm, key.publicJwk(), tokens);
    }

    String algorithm() {
        return algorithm;
    }

    List<String> tokens() {
        return tokens;
    }

    JWK publicJwk() {
        return publicJwk;
    }

    /** The issuer as Scope Enforcer trusts it: this key, {@link #AUDIENCE}, other settings default. */
    TrustedIssuer trustedIssuer() {
        return TrustedIssuer.jwkSet(ISSUER, new JWKSet(publicJwk)).audience(AUDIENCE).build();
    }

    /** {@link #trustedIssuer()} with its signatures checked by this provider choice ({@code jdk}, {@code accp}). */
    TrustedIssuer trustedIssuer(String signatureProvider) {
        return TrustedIssuer.jwkSet(ISSUER, new JWKSet(publicJwk)).audience(AUDIENCE)
                .signatureProvider(signatureProvider).build();
    }

    private static TokenPool read(Path file, String algorithm, int size) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Instant written = Files.getLastModifiedTime(file).toInstant();
            Instant now = Instant.now();
            if (written.plus(REUSE_FOR).isBefore(now)
                    || written.plus(LIFETIME).minus(MIN_REMAINING_LIFETIME).isBefore(now)) {
                return null;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            if (lines.size() != size + 1) {
                return null;
            }
            return new TokenPool(algorithm, JWK.parse(lines.get(0)), lines.subList(1, lines.size()));
        } catch (IOException | ParseException e) {
            return null;
        }
    }

    private static void write(Path file, TokenPool pool) {
        try {
            Files.createDirectories(file.getParent());
            List<String> lines = new ArrayList<>(pool.tokens.size() + 1);
            lines.add(pool.publicJwk.toPublicJWK().toJSONString());
            lines.addAll(pool.tokens);
            Path tmp = Files.createTempFile(file.getParent(), "pool", ".tmp");
            Files.write(tmp, lines, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token pool " + file, e);
        }
    }
}
