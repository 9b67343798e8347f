package io.scopeenforcer.example.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The seed data of the demo APIs: a few items per collection, so that a first GET shows something. */
final class DemoData {

    private DemoData() {
    }

    static void seedManagementApi(JsonStore store) {
        store.createNamed("tenants", "acme", fields("displayName", "Acme Corporation"));
        store.createNamed("tenants", "globex", fields("displayName", "Globex"));
        seedRealm(store, "acme", "prod", List.of("payroll", "crm"), List.of("alice", "bob"));
        seedRealm(store, "acme", "dev", List.of("payroll-dev"), List.of("dave"));
        seedRealm(store, "globex", "main", List.of("erp"), List.of("carol"));
    }

    private static void seedRealm(JsonStore store, String tenant, String realm, List<String> applications,
                                  List<String> users) {
        String realms = "tenants/" + tenant + "/realms";
        store.createNamed(realms, realm, fields("name", realm));
        String base = realms + "/" + realm + "/";
        applications.forEach(name -> store.create(base + "applications", "app", fields("name", name)));
        List<Object> identityIds = users.stream()
                .map(user -> store.create(base + "identities", "idn", fields("userName", user)).get("id"))
                .toList();
        String firstIdentity = identityIds.get(0).toString();
        store.create(base + "identities/" + firstIdentity + "/credentials", "cred",
                fields("type", "password", "status", "active"));
        store.create(base + "groups", "grp", fields("name", "admins", "members", List.of(firstIdentity)));
        store.create(base + "groups", "grp", fields("name", "auditors", "members", List.of()));
        Object server = store.create(base + "resource-servers", "rs",
                fields("name", realm + "-api", "audience", "https://" + realm + "." + tenant + ".example")).get("id");
        store.create(base + "resource-servers/" + server + "/roles", "role", fields("name", "reader"));
    }

    static void seedPaas(JsonStore store) {
        store.create(PaasServlet.REPORTS, "rpt", fields("name", "daily-usage", "format", "csv"));
        store.create(PaasServlet.REPORTS, "rpt", fields("name", "monthly-cost", "format", "pdf"));
        store.create(PaasServlet.INSTANCES, "inst", fields("name", "web-1", "shape", "small", "state", "RUNNING"));
        store.create(PaasServlet.INSTANCES, "inst", fields("name", "db-1", "shape", "large", "state", "STOPPED"));
    }

    /** Name-value pairs in order: {@code Map.of} would shuffle the members of the JSON the docs show. */
    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static void seedAdmin(JsonStore store) {
        store.create(AdminServlet.USERS, "usr", fields("userName", "root", "active", true));
        store.create(AdminServlet.USERS, "usr", fields("userName", "operator", "active", true));
        store.create(AdminServlet.GROUPS, "grp", fields("displayName", "Administrators"));
    }
}
