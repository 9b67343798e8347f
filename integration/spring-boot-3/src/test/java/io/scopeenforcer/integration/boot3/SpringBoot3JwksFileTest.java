package io.scopeenforcer.integration.boot3;

import static io.scopeenforcer.integration.boot3.Http.ISSUER;
import static io.scopeenforcer.integration.boot3.Http.assertDenial;
import static io.scopeenforcer.integration.boot3.Http.insufficientScope;
import static io.scopeenforcer.integration.boot3.Http.invalidToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import io.scopeenforcer.integration.boot3.Http.Reply;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The filter inside a Spring Boot 3.5 application with its keys in a local JWKS file ({@code jwks-file}) and
 * both names of Ed25519 accepted ({@code EdDSA}, and RFC 9864's {@code Ed25519}), on Nimbus 9.37.4: that
 * release has no {@code JWSAlgorithm.Ed25519} constant, so a class that read it would fail here with
 * {@code NoSuchFieldError} (the core builds the algorithm by name instead).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringBoot3JwksFileTest {

    private static final TestIssuer IDP = TestIssuer.create(ISSUER);
    private static final TestIssuer FORGER = TestIssuer.create(ISSUER);
    private static final Path JWKS_FILE = writeJwksFile();

    @LocalServerPort
    private int port;

    private static Path writeJwksFile() {
        try {
            Path file = Files.createTempFile("spring-boot-3-jwks", ".json");
            Files.writeString(file, IDP.publicJwkSet().toString(true), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add(ScopeEnforcerApplication.PROPERTY_PREFIX + "jwks-file", JWKS_FILE::toString);
        registry.add(ScopeEnforcerApplication.PROPERTY_PREFIX + "algorithms", () -> "RS256,ES256,EdDSA,Ed25519");
    }

    @AfterAll
    static void deleteJwksFile() throws IOException {
        Files.deleteIfExists(JWKS_FILE);
    }

    @Test
    void classPathWhenSpringBoot35ThenNimbusWithoutTheEd25519Constant() {
        assertEquals("9.37.4", JWSObject.class.getPackage().getImplementationVersion());
        assertEquals(List.of(), Stream.of(com.nimbusds.jose.JWSAlgorithm.class.getFields())
                .filter(f -> f.getName().equals("Ed25519")).toList(), "9.37.4 has no JWSAlgorithm.Ed25519");
    }

    /** README: a bad parameter fails the filter's init(), Tomcat's start of it, and so the application's start. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void startWhenAParameterIsBadThenTheApplicationDoesNotStart(CapturedOutput output) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(ScopeEnforcerApplication.class).properties(
                "server.port=0", "spring.main.banner-mode=off",
                ScopeEnforcerApplication.PROPERTY_PREFIX + "jwks-file=" + JWKS_FILE,
                ScopeEnforcerApplication.PROPERTY_PREFIX + "clock-skew=1m");
        ApplicationContextException failure = assertThrows(ApplicationContextException.class,
                () -> app.run().close());
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().endsWith("failed to start"), root::toString);
        assertTrue(output.getOut().contains(
                "scope-enforcer: parameter clock-skew: not seconds or an ISO-8601 duration: '1m'"),
                "the ConfigurationException's message is logged");
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(
                Arguments.of("Ed25519 key, alg EdDSA", IDP.token().signedWith(IDP.ed25519()).scope("orders:read")
                        .sign()),
                Arguments.of("Ed25519 key, alg Ed25519 (RFC 9864)", IDP.token().signedWith(IDP.ed25519())
                        .algorithm("Ed25519").scope("orders:read").sign()),
                Arguments.of("EC key, ES256", IDP.token().signedWith(IDP.ec()).scope("orders:read").sign()),
                Arguments.of("RSA key, RS256", IDP.token().scope("orders:read").sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void tokenWhenSignedWithAKeyFromTheFileThenAllowed(String name, String token) {
        Reply reply = Http.send(port, "GET", "/orders", token);
        assertEquals(200, reply.status(), reply::body);
        assertEquals("alice", reply.json().get("principal"));
    }

    static Stream<Arguments> denied() {
        String lacks = "the token lacks orders:write";
        return Stream.of(
                Arguments.of("Ed25519 signature by another key", "GET",
                        FORGER.token().signedWith(FORGER.ed25519()).keyId(IDP.ed25519().kid()).scope("orders:read")
                                .sign(), 401, invalidToken("the token signature is invalid"),
                        "the token signature is invalid", "invalid_token", null),
                Arguments.of("Ed25519 (RFC 9864 name) signature by another key", "GET",
                        FORGER.token().signedWith(FORGER.ed25519()).algorithm("Ed25519").keyId(IDP.ed25519().kid())
                                .scope("orders:read").sign(), 401, invalidToken("the token signature is invalid"),
                        "the token signature is invalid", "invalid_token", null),
                Arguments.of("an algorithm not in the list", "GET",
                        IDP.token().algorithm("PS256").scope("orders:read").sign(), 401,
                        invalidToken("the token algorithm 'PS256' is not accepted"),
                        "the token algorithm 'PS256' is not accepted", "invalid_token", null),
                Arguments.of("Ed25519 token, scope missing", "POST",
                        IDP.token().signedWith(IDP.ed25519()).algorithm("Ed25519").scope("orders:read").sign(), 403,
                        insufficientScope(lacks, "orders:write"), lacks, "insufficient_scope",
                        List.of("orders:write")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denied")
    void tokenWhenDeniedThenRfc6750Answer(String name, String method, String token, int status, String challenge,
            String detail, String error, List<String> requiredScopes) {
        Reply reply = Http.send(port, method, "/orders", token);
        assertDenial(reply, status, challenge, detail, error, requiredScopes, token);
    }
}
