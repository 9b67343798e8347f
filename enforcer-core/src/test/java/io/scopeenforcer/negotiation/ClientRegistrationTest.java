package io.scopeenforcer.negotiation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.scope.ScopeSet;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Building registrations and negotiators: each setting once, conflicts named in build(). */
class ClientRegistrationTest {

    private static ClientRegistration.Builder client() {
        return ClientRegistration.newBuilder("c");
    }

    /** name, the building step, the exception expected, a fragment its message must hold (the setting). */
    static Stream<Arguments> badRegistrations() {
        return Stream.of(
            bad("null client id", () -> ClientRegistration.newBuilder(null), NullPointerException.class, "clientId"),
            bad("empty client id", () -> ClientRegistration.newBuilder(""), IllegalArgumentException.class, "clientId"),
            bad("control char in client id", () -> ClientRegistration.newBuilder("a\nb"),
                IllegalArgumentException.class, "clientId"),
            bad("non-ASCII client id", () -> ClientRegistration.newBuilder("caf\u00e9"),
                IllegalArgumentException.class, "clientId"),
            bad("no allowed scopes", () -> client().build(), IllegalStateException.class, "allowedScopes"),
            bad("allowed scopes twice", () -> client().allowedScopes("a").allowedScopes("b"),
                IllegalStateException.class, "allowedScopes"),
            bad("allowed scopes twice, second a set", () -> client().allowedScopes("a").allowedScopes(ScopeSet.empty()),
                IllegalStateException.class, "allowedScopes"),
            bad("allowed scopes not strict", () -> client().allowedScopes("a  b"),
                IllegalArgumentException.class, "allowedScopes"),
            bad("allowed scopes bad char", () -> client().allowedScopes("a \"b\""),
                IllegalArgumentException.class, "allowedScopes"),
            bad("allowed scopes null", () -> client().allowedScopes((String) null),
                NullPointerException.class, "allowedScopes"),
            bad("allowed scopes null set", () -> client().allowedScopes((ScopeSet) null),
                NullPointerException.class, "scopes"),
            bad("allowed malformed URN", () -> client().allowedScopes("urn:opc:resource:consumer:paas:::read"),
                IllegalArgumentException.class, "allowedScopes: malformed URN consumer scope"),
            bad("allowed malformed URN in a set",
                () -> client().allowedScopes(io.scopeenforcer.internal.ScopeAccess.scopes().fromClaim("urn:opc:resource:consumer:")),
                IllegalArgumentException.class, "allowedScopes: malformed URN consumer scope"),
            bad("offline_access as an allowed scope", () -> client().allowedScopes("openid offline_access"),
                IllegalArgumentException.class, "refreshTokens(true)"),
            bad("default scopes twice", () -> client().defaultScopes("a").defaultScopes("a"),
                IllegalStateException.class, "defaultScopes"),
            bad("default scopes not strict", () -> client().defaultScopes(" a"),
                IllegalArgumentException.class, "defaultScopes"),
            bad("default malformed URN", () -> client().defaultScopes("urn:opc:resource:consumer::"),
                IllegalArgumentException.class, "defaultScopes: malformed URN consumer scope"),
            bad("default not allowed", () -> client().allowedScopes("applications:read")
                    .defaultScopes("applications:create").build(),
                IllegalStateException.class, "defaultScopes: 'applications:create' is not satisfied by allowedScopes"),
            bad("default is the parent of the allowed scope", () -> client()
                    .allowedScopes("urn:opc:resource:consumer:paas:analytics::read")
                    .defaultScopes("urn:opc:resource:consumer:paas::read").build(),
                IllegalStateException.class, "defaultScopes"),
            bad("default admin scope from consumer::all", () -> client()
                    .allowedScopes("urn:opc:resource:consumer::all")
                    .defaultScopes("urn:opc:idm:__myscopes__").build(),
                IllegalStateException.class, "defaultScopes"),
            bad("default offline_access without refresh tokens", () -> client().allowedScopes("a")
                    .defaultScopes("a offline_access").build(),
                IllegalStateException.class, "defaultScopes has offline_access but refreshTokens is not true"),
            bad("default offline_access with refresh tokens off", () -> client().allowedScopes("a")
                    .defaultScopes("a offline_access").refreshTokens(false).build(),
                IllegalStateException.class, "defaultScopes"),
            bad("default offline_access alone", () -> client().allowedScopes("a")
                    .defaultScopes("offline_access").refreshTokens(true).build(),
                IllegalStateException.class, "defaultScopes has only offline_access"),
            bad("default consumer::all with another scope", () -> client()
                    .allowedScopes("urn:opc:resource:consumer::all")
                    .defaultScopes("urn:opc:resource:consumer::all urn:opc:resource:consumer:paas::read").build(),
                IllegalStateException.class, "defaultScopes combines"),
            bad("refresh tokens twice", () -> client().refreshTokens(false).refreshTokens(true),
                IllegalStateException.class, "refreshTokens"),
            bad("tenant twice", () -> client().tenant("acme").tenant("globex"), IllegalStateException.class, "tenant"),
            bad("tenant empty", () -> client().tenant(""), IllegalArgumentException.class, "tenant"),
            bad("tenant with space", () -> client().tenant("ac me"), IllegalArgumentException.class, "tenant"),
            bad("tenant null", () -> client().tenant(null), NullPointerException.class, "tenant"),
            bad("realm twice", () -> client().realm("prod").realm("dev"), IllegalStateException.class, "realm"),
            bad("realm empty", () -> client().realm(""), IllegalArgumentException.class, "realm"),
            bad("realm without tenant", () -> client().allowedScopes("a").realm("prod").build(),
                IllegalStateException.class, "realm needs a tenant"),
            // Negotiator.Builder
            bad("no catalog", () -> Negotiator.newBuilder().build(), IllegalStateException.class, "catalog"),
            bad("catalog twice", () -> Negotiator.newBuilder().catalog(ScopeSet.parse("a"))
                    .catalog(ScopeSet.parse("a")), IllegalStateException.class, "catalog"),
            bad("catalog empty", () -> Negotiator.newBuilder().catalog(ScopeSet.empty()),
                IllegalArgumentException.class, "catalog"),
            bad("catalog null", () -> Negotiator.newBuilder().catalog(null),
                NullPointerException.class, "existingScopes"),
            bad("catalog malformed URN", () -> Negotiator.newBuilder()
                    .catalog(ScopeSet.parse("urn:opc:resource:consumer:paas:::read")),
                IllegalArgumentException.class, "catalog: malformed URN consumer scope"),
            bad("audience missing with resource:action scopes", () -> Negotiator.newBuilder()
                    .catalog(ScopeSet.parse("urn:opc:resource:consumer::all applications:read")).build(),
                IllegalStateException.class, "resourceServerAudience is required"),
            bad("audience missing with the admin scope", () -> Negotiator.newBuilder()
                    .catalog(ScopeSet.parse("urn:opc:idm:__myscopes__")).build(),
                IllegalStateException.class, "resourceServerAudience is required"),
            bad("audience twice", () -> Negotiator.newBuilder().resourceServerAudience("https://a")
                    .resourceServerAudience("https://b"), IllegalStateException.class, "resourceServerAudience"),
            bad("audience empty", () -> Negotiator.newBuilder().resourceServerAudience(""),
                IllegalArgumentException.class, "resourceServerAudience"),
            bad("audience with space", () -> Negotiator.newBuilder().resourceServerAudience("https://a b"),
                IllegalArgumentException.class, "resourceServerAudience"),
            bad("audience null", () -> Negotiator.newBuilder().resourceServerAudience(null),
                NullPointerException.class, "identifier"),
            bad("audience equals the account audience", () -> Negotiator.newBuilder()
                    .resourceServerAudience(Negotiator.ACCOUNT_AUDIENCE),
                IllegalArgumentException.class, "must differ"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistrations")
    void buildWhenBadSettingThenThrowsNamingIt(String name, Supplier<?> step, Class<? extends Throwable> type,
                                               String fragment) {
        Throwable thrown = assertThrows(type, step::get);
        assertTrue(thrown.getMessage() != null && thrown.getMessage().contains(fragment), thrown.getMessage());
    }

    @Test
    void buildWhenMinimalThenSafeDefaults() {
        ClientRegistration client = client().allowedScopes("applications:read").build();
        assertEquals("c", client.clientId());
        assertEquals(ScopeSet.parse("applications:read"), client.allowedScopes());
        assertTrue(client.defaultScopes().isEmpty());
        assertFalse(client.refreshTokensAllowed());
        assertEquals(Optional.empty(), client.tenant());
        assertEquals(Optional.empty(), client.realm());
    }

    @Test
    void buildWhenAllSettingsThenAccessorsReturnThem() {
        ClientRegistration client = DemoClients.client("acme-console");
        assertEquals("acme-console", client.clientId());
        assertTrue(client.allowedScopes().contains("groups:update"));
        assertEquals("applications:read offline_access", client.defaultScopes().toSpaceDelimited());
        assertTrue(client.refreshTokensAllowed());
        assertEquals(Optional.of("acme"), client.tenant());
        assertEquals(Optional.of("prod"), client.realm());
        assertEquals(Optional.of("*"), DemoClients.client("acme-auditor").realm());
        assertTrue(client.toString().contains("acme-console"));
    }

    /** Accepted oddities: what deliberately builds. */
    @Test
    void buildWhenDefaultsSatisfiedHierarchicallyOrEmptyAllowedThenBuilds() {
        // A default below an allowed URN scope, like a request would be.
        ClientRegistration account = client().allowedScopes("urn:opc:resource:consumer::all")
                .defaultScopes("urn:opc:resource:consumer:paas:stack::read offline_access")
                .refreshTokens(true).build();
        assertEquals(2, account.defaultScopes().size());
        // An explicitly empty allowed list: the client can be granted nothing, but it is not a mistake to say so.
        assertTrue(client().allowedScopes("").build().allowedScopes().isEmpty());
        // A client id with a space is VSCHAR (RFC 6749 Appendix A.1).
        assertEquals("my client", ClientRegistration.newBuilder("my client").allowedScopes("a").build().clientId());
        // A tenant without a realm.
        assertEquals(Optional.empty(), client().allowedScopes("a").tenant("acme").build().realm());
    }

    private static Arguments bad(String name, Supplier<?> step, Class<? extends Throwable> type, String fragment) {
        return Arguments.of(name, step, type, fragment);
    }
}
