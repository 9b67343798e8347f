package io.scopeenforcer;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in convention for the management API (docs/architecture.md §8.4): {@code /v1/tenants/{tenant}/realms/{realm}/...}
 * where the scope is {@code <deepest collection>:<action>} with GET→read, POST→create, PATCH/PUT→update,
 * DELETE→delete, and HEAD as GET (implied by the index). Collections may nest two levels below a realm
 * ({@code identities/{id}/credentials/{cid}}). Custom methods ({@code {id}:addMembers}) are not covered: a
 * plain {@code {var}} never matches a segment with {@code :}, so they need an explicit rule.
 */
final class ManagementApiConvention {

    static final String TENANT = "/v1/tenants/{tenant}";
    static final String REALM = TENANT + "/realms/{realm}";

    /** {methods, pattern, requirement} in policy order. */
    static final List<String[]> RULES = build();

    private ManagementApiConvention() {
    }

    private static List<String[]> build() {
        List<String[]> rules = new ArrayList<>();
        rules.add(new String[] {"GET", TENANT, "tenants:read"});
        rules.add(new String[] {"PATCH", TENANT, "tenants:update"});
        rules.add(new String[] {"GET", TENANT + "/realms", "realms:read"});
        rules.add(new String[] {"POST", TENANT + "/realms", "realms:create"});
        rules.add(new String[] {"GET", REALM, "realms:read"});
        rules.add(new String[] {"PATCH", REALM, "realms:update"});
        rules.add(new String[] {"DELETE", REALM, "realms:delete"});
        // Two levels of collections below a realm and no more: a deeper path such as
        // .../identities/{id}/credentials/{cid}/x, or a realm path nested in another
        // (.../realms/main/tenants/acme/realms/prod/applications), would take its scope from the deepest
        // collection while the binding is checked against the outer tenant. It matches no convention rule
        // (403 no_rule) unless an explicit rule names it.
        String[] parents = {REALM, REALM + "/{parent}/{parentId}"};
        for (String parent : parents) {
            String collection = parent + "/{resource}";
            String item = collection + "/{id}";
            rules.add(new String[] {"GET", collection, "{resource}:read"});
            rules.add(new String[] {"POST", collection, "{resource}:create"});
            rules.add(new String[] {"GET", item, "{resource}:read"});
            rules.add(new String[] {"PATCH", item, "{resource}:update"});
            rules.add(new String[] {"PUT", item, "{resource}:update"});
            rules.add(new String[] {"DELETE", item, "{resource}:delete"});
        }
        return List.copyOf(rules);
    }
}
