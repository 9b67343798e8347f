package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scopeenforcer.servlet.FilterConfigurationTest.MapConfig;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.KeySetStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code key-prefetch}: {@code init()} fetches the issuers' keys; {@code fail} refuses to start without them, naming
 * the issuer and the URL; {@code warn} starts, logs, and reports the issuer not ready until a fetch succeeds
 * ({@link ScopeEnforcementFilter#checkKeys()}).
 */
class KeyPrefetchTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    private static Map<String, String> params(JwksServer jwks, String prefetch) {
        Map<String, String> params = HARNESS.params();
        params.put("jwks-uri", jwks.uri().toString());
        params.put("key-prefetch", prefetch);
        return params;
    }

    @Test
    void initWhenPrefetchFailAndJwksDownThenFailsNamingIssuerAndUrl() {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet())) {
            jwks.failWithStatus(500);
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> new ScopeEnforcementFilter().init(new MapConfig(params(jwks, "fail"))));
            assertEquals("key-prefetch", e.parameter());
            assertEquals("scope-enforcer: parameter key-prefetch: issuer https://idp.example.test: no keys from jwksUri "
                    + jwks.uri() + ": IOException 'Server returned HTTP response code: 500 ...'", e.getMessage());
            assertEquals(1, jwks.fetches());
        }
    }

    @Test
    void initWhenPrefetchWarnAndJwksDownThenStartsNotReadyAndReadyOnceTheJwksIsUp() throws Exception {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet()); AuditLog log = AuditLog.capture()) {
            jwks.failWithStatus(503);
            ScopeEnforcementFilter filter = new ScopeEnforcementFilter();
            filter.init(new MapConfig(params(jwks, "warn")));

            KeySetStatus down = filter.keyStatus().get(0);
            assertAll(
                    () -> assertEquals(false, down.loaded()),
                    () -> assertEquals(0, down.keyCount()),
                    () -> assertNull(down.lastSuccess()),
                    () -> assertNotNull(down.lastFailure()),
                    () -> assertEquals("IOException 'Server returned HTTP response code: 503 ...'", down.lastError()),
                    () -> assertEquals(1, down.failures()),
                    () -> assertEquals(List.of("scope-enforcer: key-prefetch: issuer https://idp.example.test: no keys"
                            + " from jwksUri " + jwks.uri() + ": IOException 'Server returned HTTP response code: 503 ...'"),
                            log.all().stream().filter(l -> l.contains("key-prefetch")).toList()));

            jwks.heal();
            KeySetStatus up = filter.checkKeys().get(0);
            assertAll(
                    () -> assertEquals(true, up.loaded()),
                    () -> assertEquals(3, up.keyCount()),
                    () -> assertNotNull(up.lastSuccess()),
                    () -> assertEquals(1, up.fetches()),
                    () -> assertEquals(1, up.failures(), "the failure stays counted"),
                    () -> assertEquals(up, filter.stats().keySets().get(0)),
                    () -> assertEquals(2, jwks.fetches()));
        }
    }

    @Test
    void initWhenPrefetchWarnAndJwksUpThenTheFirstRequestFindsTheKeys() {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet())) {
            try (FilterServer server = HARNESS.start("/", params(jwks, "warn"))) {
                assertEquals(1, jwks.fetches(), "fetched in init()");
                assertEquals(true, server.filter().keyStatus().get(0).loaded());
                assertEquals(200, server.get("/paas/analytics/reports", "Authorization",
                        "Bearer " + IDP.token().scope(ANALYTICS_READ).sign()).status());
                assertEquals(1, jwks.fetches(), "the request used the prefetched keys");
            }
        }
    }

    @Test
    void keyStatusWhenPrefetchOffThenNothingFetchedUntilARequest() {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet());
                FilterServer server = HARNESS.start("/", params(jwks, "off"))) {
            assertEquals(0, jwks.fetches());
            assertEquals(false, server.filter().keyStatus().get(0).loaded());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sometimes", "true"})
    void initWhenPrefetchValueUnknownThenFailsNamingTheParameter(String value) {
        try (JwksServer jwks = JwksServer.start(IDP.publicJwkSet())) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> new ScopeEnforcementFilter().init(new MapConfig(params(jwks, value))));
            assertEquals("scope-enforcer: parameter key-prefetch: not off, warn or fail: '" + value + "'",
                    e.getMessage());
        }
    }
}
