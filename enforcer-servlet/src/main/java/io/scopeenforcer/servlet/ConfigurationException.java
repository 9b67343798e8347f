package io.scopeenforcer.servlet;

import jakarta.servlet.ServletException;

/**
 * The filter's configuration is wrong: {@link #parameter()} names the parameter (as web.xml spells it), the
 * message says why without echoing a secret. Thrown by {@link ScopeEnforcementFilter#init}, so the web app does
 * not start with a filter that would not do what its configuration says.
 */
public final class ConfigurationException extends ServletException {

    private static final long serialVersionUID = 1L;

    private final String parameter;

    ConfigurationException(String parameter, String message, Throwable cause) {
        super("scope-enforcer: parameter " + parameter + ": " + message, cause);
        this.parameter = parameter;
    }

    /** The parameter at fault, e.g. {@code clock-skew}. */
    public String parameter() {
        return parameter;
    }
}
