package io.scopeenforcer.example.issuer;

import io.scopeenforcer.scope.ScopeSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The development issuer's users, groups and roles (README "Demo users"): a role is a set of scopes, a user holds
 * a role directly or through a group, and the user's authorized scopes are the union of the roles' scopes; they
 * are what {@link io.scopeenforcer.negotiation.Negotiator#negotiate(String,
 * io.scopeenforcer.negotiation.ClientRegistration, ScopeSet)} intersects a request with. Each password is
 * {@code <user>-password}, a published demo convention like the clients' secrets. Immutable and thread-safe.
 */
public final class Directory {

    /** A role: a name and the scopes it authorizes. */
    public record Role(String name, ScopeSet scopes) {
    }

    /** A group: a name and its roles. */
    public record Group(String name, List<String> roles) {
    }

    /**
     * A user: name (the token's {@code sub}), groups, direct roles, and the tenant and realm its tokens carry
     * ({@code bi_t}, {@code bi_r}; null when the user belongs to no tenant).
     */
    public record User(String name, List<String> groups, List<String> roles, String tenant, String realm,
                       ScopeSet authorizedScopes) {

        /** The user's name and bindings; the directory holds no password to show. */
        @Override
        public String toString() {
            return "User[" + name + ", tenant=" + tenant + ", realm=" + realm + "]";
        }
    }

    /** The demo roles. */
    public static final List<Role> ROLES = List.of(
            new Role("acme-app-admins", ScopeSet.parse("applications:read applications:create applications:update"
                    + " applications:delete groups:read groups:update identities:read")),
            new Role("acme-auditors", ScopeSet.parse("applications:read groups:read identities:read")),
            new Role("paas-analysts", ScopeSet.parse("urn:opc:resource:consumer:paas:analytics::read")));

    /** The demo groups. */
    public static final List<Group> GROUPS = List.of(
            new Group("acme-admins", List.of("acme-app-admins")),
            new Group("analysts", List.of("paas-analysts")));

    /** The demo users in the order the docs list them. */
    public static final List<User> USERS = List.of(
            user("alice", List.of("acme-admins"), List.of(), "acme", "prod"),
            user("bob", List.of(), List.of("acme-auditors"), "acme", "*"),
            user("carol", List.of("analysts"), List.of(), null, null),
            user("dave", List.of(), List.of(), null, null));

    private static final Map<String, User> BY_NAME = index();
    /** Compared against for an unknown name, so that an unknown user costs what a wrong password does. */
    private static final byte[] NO_PASSWORD = sha256("\0no user\0");

    private Directory() {
    }

    /**
     * The user whose name and password these are. Passwords are compared as SHA-256 digests with
     * {@link MessageDigest#isEqual} (constant time, and the length is hidden); an unknown name is compared too,
     * so the time of an answer does not tell which half was wrong.
     *
     * @param name the user name as typed
     * @param password the password as typed
     * @return the user, or empty for any mismatch
     */
    public static Optional<User> authenticate(String name, String password) {
        User user = name == null ? null : BY_NAME.get(name);
        byte[] expected = user == null ? NO_PASSWORD : sha256(passwordOf(user.name()));
        boolean match = MessageDigest.isEqual(expected, sha256(password == null ? "" : password));
        return match && user != null ? Optional.of(user) : Optional.empty();
    }

    /** The user named {@code name}, if any. */
    public static Optional<User> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The demo convention; real passwords are the user's own and are stored as slow salted hashes. */
    public static String passwordOf(String user) {
        return user + "-password";
    }

    private static User user(String name, List<String> groups, List<String> roles, String tenant, String realm) {
        Set<String> allRoles = new LinkedHashSet<>(roles);
        for (String group : groups) {
            GROUPS.stream().filter(g -> g.name().equals(group)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no group " + group))
                    .roles().forEach(allRoles::add);
        }
        List<String> scopes = new ArrayList<>();
        for (String role : allRoles) {
            ROLES.stream().filter(r -> r.name().equals(role)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no role " + role))
                    .scopes().values().forEach(scopes::add);
        }
        ScopeSet authorized = scopes.isEmpty() ? ScopeSet.empty()
                : ScopeSet.parse(String.join(" ", new LinkedHashSet<>(scopes)));
        return new User(name, List.copyOf(groups), List.copyOf(roles), tenant, realm, authorized);
    }

    private static Map<String, User> index() {
        Map<String, User> byName = new LinkedHashMap<>();
        USERS.forEach(u -> byName.put(u.name(), u));
        return Map.copyOf(byName);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
