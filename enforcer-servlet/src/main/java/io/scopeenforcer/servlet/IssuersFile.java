package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.FilterParameter.ALGORITHMS;
import static io.scopeenforcer.servlet.FilterParameter.AUDIENCE;
import static io.scopeenforcer.servlet.FilterParameter.CLOCK_SKEW;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CACHE_TTL;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CLIENT_ID;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_CLIENT_SECRET;
import static io.scopeenforcer.servlet.FilterParameter.INTROSPECTION_ENDPOINT;
import static io.scopeenforcer.servlet.FilterParameter.ISSUER;
import static io.scopeenforcer.servlet.FilterParameter.ISSUERS;
import static io.scopeenforcer.servlet.FilterParameter.JWKS_FILE;
import static io.scopeenforcer.servlet.FilterParameter.JWKS_URI;
import static io.scopeenforcer.servlet.FilterParameter.MAX_CONCRETE_ISSUERS;
import static io.scopeenforcer.servlet.FilterParameter.REALM_CLAIM;
import static io.scopeenforcer.servlet.FilterParameter.SCOPE_CLAIMS;
import static io.scopeenforcer.servlet.FilterParameter.SIGNATURE_PROVIDER;
import static io.scopeenforcer.servlet.FilterParameter.STRICT_TOKEN_TYPE;
import static io.scopeenforcer.servlet.FilterParameter.TENANT_CLAIM;

import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.servlet.FilterSettings.BadParameter;
import io.scopeenforcer.token.TrustedIssuer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The issuers file of the {@code issuers} parameter: several trusted issuers, each with its own key source,
 * audiences, algorithms, clock skew and claim names. One setting a line, {@code issuer.<name>.<setting>=value};
 * {@code <name>} (letters, digits, {@code -}, {@code _}) only groups an issuer's lines, and the issuers are trusted in
 * the order their names first appear; {@code <setting>} is a single-issuer parameter's name ({@code issuer}, which
 * may be an issuer template, {@code jwks-uri} or {@code jwks-file} or neither for discovery,
 * {@code max-concrete-issuers}, the {@code introspection-*} settings,
 * {@code audience}, {@code algorithms},
 * {@code clock-skew}, {@code strict-token-type}, {@code signature-provider}, {@code scope-claims},
 * {@code tenant-claim}, {@code realm-claim}) with the same values. Blank lines and lines starting with {@code #} are
 * ignored. A line of any other shape, an unknown or repeated setting, or an issuer without {@code issuer} or
 * {@code audience} fails, naming the file, line and setting: misspelt configuration must not be silently ignored.
 */
final class IssuersFile {

    /** The settings an entry may have, which the filter then refuses beside {@code issuers}. */
    static final List<FilterParameter> PER_ISSUER = List.of(ISSUER, JWKS_URI, JWKS_FILE, MAX_CONCRETE_ISSUERS,
            INTROSPECTION_ENDPOINT, INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET, INTROSPECTION_CACHE_TTL,
            AUDIENCE, ALGORITHMS, CLOCK_SKEW, STRICT_TOKEN_TYPE,
            SIGNATURE_PROVIDER, SCOPE_CLAIMS, TENANT_CLAIM, REALM_CLAIM);
    /** Per-issuer settings that the filter's own parameter still sets, as the default of every entry. */
    static final Set<FilterParameter> DEFAULTS = Set.of(SCOPE_CLAIMS, TENANT_CLAIM, REALM_CLAIM);

    private static final Pattern KEY = Pattern.compile("issuer\\.([A-Za-z0-9_-]+)\\.(.+)");

    private IssuersFile() {
    }

    /** A setting's value and the line it is on. */
    private record Setting(String value, int line) {
    }

    /**
     * The trusted issuers this text describes, built.
     *
     * @param text the file's text
     * @param name the file's name, for messages
     * @throws IllegalArgumentException naming the file, the line or entry, the setting and why
     */
    static List<TrustedIssuer> parse(String text, String name) {
        Map<String, Map<FilterParameter, Setting>> entries = new LinkedHashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(name + ":" + number + ": expected issuer.<name>.<setting>=value,"
                        + " got " + UntrustedText.quote(line));
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            Matcher m = KEY.matcher(key);
            if (!m.matches()) {
                throw new IllegalArgumentException(name + ":" + number + ": expected issuer.<name>.<setting>, got "
                        + UntrustedText.quote(key));
            }
            FilterParameter setting = FilterParameter.named(m.group(2)).filter(PER_ISSUER::contains).orElse(null);
            if (setting == null) {
                throw new IllegalArgumentException(name + ":" + number + ": unknown setting "
                        + UntrustedText.quote(m.group(2)) + FilterParameter.closest(m.group(2))
                        .filter(PER_ISSUER::contains).map(p -> "; did you mean " + p.parameterName() + "?")
                        .orElse("; an issuer takes " + PER_ISSUER.stream().map(FilterParameter::parameterName)
                                .collect(Collectors.joining(", "))));
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(name + ":" + number + ": " + key + " needs a value");
            }
            Map<FilterParameter, Setting> entry = entries.computeIfAbsent(m.group(1),
                    n -> new EnumMap<>(FilterParameter.class));
            Setting earlier = entry.putIfAbsent(setting, new Setting(value, number));
            if (earlier != null) {
                throw new IllegalArgumentException(name + ":" + number + ": " + key + " is already set on line "
                        + earlier.line());
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(name + ": no issuer (expected issuer.<name>.<setting>=value lines)");
        }
        List<TrustedIssuer> issuers = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (Map.Entry<String, Map<FilterParameter, Setting>> entry : entries.entrySet()) {
            Map<FilterParameter, Setting> settings = entry.getValue();
            TrustedIssuer issuer;
            try {
                issuer = FilterSettings.trustedIssuer(p -> settings.containsKey(p) ? settings.get(p).value() : null,
                        true);
            } catch (BadParameter e) {
                FilterParameter p = FilterParameter.named(e.parameter()).orElse(ISSUERS);
                Setting at = settings.get(p);
                throw new IllegalArgumentException(name + (at == null ? "" : ":" + at.line()) + ": issuer."
                        + entry.getKey() + "." + e.parameter() + ": " + e.reason(), e);
            }
            String other = names.putIfAbsent(issuer.issuer(), entry.getKey());
            if (other != null) {
                throw new IllegalArgumentException(name + ":" + settings.get(ISSUER).line() + ": issuer."
                        + entry.getKey() + ".issuer: the same issuer as issuer." + other);
            }
            issuers.add(issuer);
        }
        return issuers;
    }
}
