package io.scopeenforcer.example;

import io.scopeenforcer.example.issuer.AuthorizationEndpoint;
import io.scopeenforcer.example.issuer.DemoServlet;
import io.scopeenforcer.example.issuer.DevIssuer;
import io.scopeenforcer.example.issuer.DevIssuerOffServlet;
import io.scopeenforcer.example.issuer.IntrospectionEndpoint;
import io.scopeenforcer.example.issuer.RevocationEndpoint;
import io.scopeenforcer.example.issuer.IssuerMetadataServlet;
import io.scopeenforcer.example.issuer.TokenEndpoint;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Map;
import java.util.Set;

/**
 * What the launcher adds to the web app of {@code WEB-INF/web.xml}, through the standard Servlet API at the one
 * moment meant for it: a {@link ServletContainerInitializer} runs after the container has read web.xml and
 * before it initializes any filter or servlet (Jakarta Servlet 6.0 §8.2.4).
 *
 * <ul>
 *   <li>The filter's start-up parameters (the development issuer's {@code issuer}, {@code jwks-uri},
 *       {@code audience}, {@code resource-metadata}, and every {@code --name=value} filter flag) become init
 *       parameters of the {@value #FILTER_NAME} filter, by {@link FilterRegistration#setInitParameter}.
 *       web.xml declares that filter without init-params and gives the app's own settings as context
 *       params; the filter reads an init-param before a context param (then the system property
 *       {@code enforcer.<name>}), so a flag beats web.xml without any container-specific hook.</li>
 *   <li>The development issuer's servlets, by {@link ServletContext#addServlet}: a development tool, not part
 *       of the web app, so web.xml does not name them. With the issuer off its paths answer 404.</li>
 * </ul>
 */
final class LauncherSettings implements ServletContainerInitializer {

    /** The {@code <filter-name>} of the filter in web.xml. */
    static final String FILTER_NAME = "scope-enforcer";

    private final Map<String, String> filterParameters;
    private final DevIssuer devIssuer;

    /**
     * @param filterParameters init-params to give the filter
     * @param devIssuer the development issuer whose endpoints to add, or null when it is off
     */
    LauncherSettings(Map<String, String> filterParameters, DevIssuer devIssuer) {
        this.filterParameters = Map.copyOf(filterParameters);
        this.devIssuer = devIssuer;
    }

    /**
     * Sets the filter's parameters and adds the issuer's servlets.
     *
     * @throws IllegalStateException when web.xml declares no such filter, or already gives one of the
     *     parameters as an init-param (the Servlet API keeps the descriptor's value: the flag would be ignored)
     */
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration filter = context.getFilterRegistration(FILTER_NAME);
        if (filter == null) {
            throw new IllegalStateException("WEB-INF/web.xml declares no filter named " + FILTER_NAME);
        }
        filterParameters.forEach((name, value) -> {
            if (!filter.setInitParameter(name, value)) {
                throw new IllegalStateException("WEB-INF/web.xml gives the " + FILTER_NAME + " filter the init-param "
                        + name + ", which start-up parameters cannot replace; make it a context-param");
            }
        });
        if (devIssuer == null) {
            ServletRegistration.Dynamic off = context.addServlet("dev-issuer-off", new DevIssuerOffServlet());
            off.addMapping(TokenEndpoint.PATH, IssuerMetadataServlet.JWKS_PATH, IssuerMetadataServlet.METADATA_PATH,
                    IssuerMetadataServlet.OPENID_CONFIGURATION_PATH,
                    AuthorizationEndpoint.PATH, AuthorizationEndpoint.SIGNIN_PATH, AuthorizationEndpoint.CONSENT_PATH,
                    DemoServlet.PATH, DemoServlet.CALLBACK_PATH, IntrospectionEndpoint.PATH, RevocationEndpoint.PATH);
        } else {
            context.addServlet("dev-introspection-endpoint", new IntrospectionEndpoint(devIssuer))
                    .addMapping(IntrospectionEndpoint.PATH);
            context.addServlet("dev-token-endpoint", new TokenEndpoint(devIssuer)).addMapping(TokenEndpoint.PATH);
            context.addServlet("dev-revocation-endpoint", new RevocationEndpoint(devIssuer))
                    .addMapping(RevocationEndpoint.PATH);
            context.addServlet("dev-issuer-documents", new IssuerMetadataServlet(devIssuer))
                    .addMapping(IssuerMetadataServlet.JWKS_PATH, IssuerMetadataServlet.METADATA_PATH,
                            IssuerMetadataServlet.OPENID_CONFIGURATION_PATH);
            context.addServlet("dev-authorization-endpoint", new AuthorizationEndpoint(devIssuer))
                    .addMapping(AuthorizationEndpoint.PATH, AuthorizationEndpoint.SIGNIN_PATH,
                            AuthorizationEndpoint.CONSENT_PATH);
            context.addServlet("dev-demo-client", new DemoServlet(devIssuer))
                    .addMapping(DemoServlet.PATH, DemoServlet.CALLBACK_PATH);
        }
    }
}
