package io.scopeenforcer.servlet;

/** The scopes the servlet tests grant and require, by name: the demo routes of {@link FilterServer#POLICY}. */
final class DemoScopes {

    static final String ANALYTICS_READ = "urn:opc:resource:consumer:paas:analytics::read";
    static final String ANALYTICS_WRITE = "urn:opc:resource:consumer:paas:analytics::write";
    static final String STACK_READ = "urn:opc:resource:consumer:paas:stack::read";
    static final String CONSUMER_ALL = "urn:opc:resource:consumer::all";
    static final String ADMIN = "urn:opc:idm:__myscopes__";

    private DemoScopes() {
    }
}
