package io.scopeenforcer.example;

import java.util.List;
import java.util.Map;

/** The seed data of the demo APIs: a few items per collection, so that a first GET shows something. */
final class DemoData {

    private DemoData() {
    }

    static void seedManagementApi(JsonStore store) {
        store.createNamed("tenants", "acme", Map.of("displayName", "Acme Corporation"));
        store.createNamed("tenants", "globex", Map.of("displayName", "Globex"));
        seedRealm(store, "acme", "prod", List.of("payroll", "crm"), List.of("alice", "bob"));
        seedRealm(store, "acme", "dev", List.of("payroll-dev"), List.of("dave"));
        seedRealm(store, "globex", "main", List.of("erp"), List.of("carol"));
    }

    private static void seedRealm(JsonStore store, String tenant, String realm, List<String> applications,
                                  List<String> users) {
        String realms = "tenants/" + tenant + "/realms";
        store.createNamed(realms, realm, Map.of("name", realm));
        String base = realms + "/" + realm + "/";
        applications.forEach(name -> store.create(base + "applications", "app", Map.of("name", name)));
        List<Object> identityIds = users.stream()
                .map(user -> store.create(base + "identities", "idn", Map.of("userName", user)).get("id"))
                .toList();
        String firstIdentity = identityIds.get(0).toString();
        store.create(base + "identities/" + firstIdentity + "/credentials", "cred",
                Map.of("type", "password", "status", "active"));
        store.create(base + "groups", "grp", Map.of("name", "admins", "members", List.of(firstIdentity)));
        store.create(base + "groups", "grp", Map.of("name", "auditors", "members", List.of()));
        Object server = store.create(base + "resource-servers", "rs",
                Map.of("name", realm + "-api", "audience", "https://" + realm + "." + tenant + ".example")).get("id");
        store.create(base + "resource-servers/" + server + "/roles", "role", Map.of("name", "reader"));
    }

    static void seedPaas(JsonStore store) {
        store.create(PaasServlet.REPORTS, "rpt", Map.of("name", "daily-usage", "format", "csv"));
        store.create(PaasServlet.REPORTS, "rpt", Map.of("name", "monthly-cost", "format", "pdf"));
        store.create(PaasServlet.INSTANCES, "inst", Map.of("name", "web-1", "shape", "small", "state", "RUNNING"));
        store.create(PaasServlet.INSTANCES, "inst", Map.of("name", "db-1", "shape", "large", "state", "STOPPED"));
    }

    static void seedAdmin(JsonStore store) {
        store.create(AdminServlet.USERS, "usr", Map.of("userName", "root", "active", true));
        store.create(AdminServlet.USERS, "usr", Map.of("userName", "operator", "active", true));
        store.create(AdminServlet.GROUPS, "grp", Map.of("displayName", "Administrators"));
    }
}
