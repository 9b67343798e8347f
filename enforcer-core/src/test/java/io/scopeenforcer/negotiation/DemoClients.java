package io.scopeenforcer.negotiation;

import io.scopeenforcer.scope.ScopeSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo clients and scope catalog of docs/architecture.md §12, as test fixtures. The allowed scopes, refresh switch, tenant
 * and realm are §12's; §12 gives no default scopes, so the few defaults here are the tests' own choice, as are the
 * two extra clients at the end.
 */
final class DemoClients {

    /** The example app's resource identifier with the development issuer on, port 8080. */
    static final String RS = "http://localhost:8080";

    static final List<String> RESOURCES = List.of("tenants", "realms", "applications", "groups", "identities",
            "resource-servers", "roles", "credentials");
    static final List<String> ACTIONS = List.of("read", "create", "update", "delete");

    /**
     * "Every scope the app's routes can require": URN paas, paas:analytics, paas:stack with read/write/all,
     * consumer::all, the admin scope, offline_access, and resource:action for the demo resources.
     */
    static final ScopeSet CATALOG = catalog();

    static final Negotiator NEGOTIATOR = Negotiator.newBuilder()
            .catalog(CATALOG)
            .resourceServerAudience(RS)
            .build();

    private static final Map<String, ClientRegistration> CLIENTS = new LinkedHashMap<>();

    static {
        add(ClientRegistration.newBuilder("account-client")
                .allowedScopes("urn:opc:resource:consumer::all")
                .refreshTokens(true));
        add(ClientRegistration.newBuilder("paas-reader")
                .allowedScopes("urn:opc:resource:consumer:paas::read")
                .defaultScopes("urn:opc:resource:consumer:paas::read")
                .refreshTokens(true));
        add(ClientRegistration.newBuilder("stack-operator")
                .allowedScopes("urn:opc:resource:consumer:paas:stack::all")
                .defaultScopes("urn:opc:resource:consumer:paas:stack::read")
                .refreshTokens(false));
        add(ClientRegistration.newBuilder("analytics-reader")
                .allowedScopes("urn:opc:resource:consumer:paas:analytics::read")
                .refreshTokens(false));
        add(ClientRegistration.newBuilder("idm-admin")
                .allowedScopes("urn:opc:idm:__myscopes__")
                .refreshTokens(false));
        add(ClientRegistration.newBuilder("acme-console")
                .allowedScopes("tenants:read realms:read applications:read applications:create applications:update"
                        + " applications:delete groups:read groups:update identities:read")
                .defaultScopes("applications:read offline_access")
                .refreshTokens(true)
                .tenant("acme")
                .realm("prod"));
        add(ClientRegistration.newBuilder("acme-auditor")
                .allowedScopes("applications:read groups:read identities:read")
                .defaultScopes("applications:read groups:read identities:read")
                .refreshTokens(false)
                .tenant("acme")
                .realm("*"));
        add(ClientRegistration.newBuilder("globex-console")
                .allowedScopes("applications:read applications:create")
                .refreshTokens(false)
                .tenant("globex")
                .realm("main"));
        // Not in §7: a client with both families, for the two-audience rule.
        add(ClientRegistration.newBuilder("mixed-client")
                .allowedScopes("urn:opc:resource:consumer:paas::read applications:read")
                .refreshTokens(true));
        // Not in §7: a default scope the catalog no longer has.
        add(ClientRegistration.newBuilder("stale-defaults")
                .allowedScopes("applications:read legacy:read")
                .defaultScopes("legacy:read"));
    }

    private DemoClients() {
    }

    static ClientRegistration client(String clientId) {
        ClientRegistration client = CLIENTS.get(clientId);
        if (client == null) {
            throw new IllegalArgumentException("no demo client " + clientId);
        }
        return client;
    }

    /** Expands the table shorthands: {@code C:} for {@code urn:opc:resource:consumer:}, {@code ADMIN}. */
    static String expand(String text) {
        if (text == null) {
            return null;
        }
        return text.replace("C:", "urn:opc:resource:consumer:").replace("ADMIN", "urn:opc:idm:__myscopes__");
    }

    /** Expands {@code ACCOUNT} and {@code RS} into the audiences. */
    static List<String> audiences(String text) {
        List<String> out = new ArrayList<>();
        for (String a : text.split(" ")) {
            out.add(switch (a) {
                case "ACCOUNT" -> Negotiator.ACCOUNT_AUDIENCE;
                case "RS" -> RS;
                default -> throw new IllegalArgumentException(a);
            });
        }
        return out;
    }

    private static void add(ClientRegistration.Builder builder) {
        ClientRegistration client = builder.build();
        CLIENTS.put(client.clientId(), client);
    }

    private static ScopeSet catalog() {
        List<String> scopes = new ArrayList<>();
        for (String path : List.of("paas", "paas:analytics", "paas:stack")) {
            for (String q : List.of("read", "write", "all")) {
                scopes.add("urn:opc:resource:consumer:" + path + "::" + q);
            }
        }
        scopes.add("urn:opc:resource:consumer::all");
        scopes.add("urn:opc:idm:__myscopes__");
        scopes.add("offline_access");
        for (String resource : RESOURCES) {
            for (String action : ACTIONS) {
                scopes.add(resource + ":" + action);
            }
        }
        return ScopeSet.parse(String.join(" ", scopes));
    }
}
