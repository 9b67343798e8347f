package io.scopeenforcer.example;

import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * The web app as {@code WEB-INF/web.xml} declares it, plus what the command line adds, applied at the one
 * moment it can be: after Jetty has read web.xml (so the filter's holder exists) and before it initializes
 * filters and servlets (so the filter's {@code init} sees the final parameters).
 *
 * <p>Why not context parameters? The filter reads its init-param first, then the context param, so a context
 * param could never override web.xml's init-param; setting the init-param on the holder does.
 */
final class EnforcedWebApp extends WebAppContext {

    /** The {@code <filter-name>} of the filter in web.xml. */
    static final String FILTER_NAME = "scope-enforcer";

    private final Map<String, String> filterParameters;
    private final DevIssuer devIssuer;

    /**
     * @param filterParameters init-params to set on the filter, replacing web.xml's
     * @param devIssuer the development issuer whose endpoints to add, or null when it is off (they answer 404)
     */
    EnforcedWebApp(Map<String, String> filterParameters, DevIssuer devIssuer) {
        this.filterParameters = Map.copyOf(filterParameters);
        this.devIssuer = devIssuer;
    }

    /** Sets the command line's filter parameters and adds the issuer's servlets, then starts the web app. */
    @Override
    protected void startWebapp() throws Exception {
        ServletHandler handler = getServletHandler();
        FilterHolder filter = handler.getFilter(FILTER_NAME);
        if (filter == null) {
            throw new IllegalStateException("WEB-INF/web.xml declares no filter named " + FILTER_NAME);
        }
        filterParameters.forEach(filter::setInitParameter);
        // The issuer is a development tool, not part of the web app: web.xml does not name it.
        ServletHolder token = devIssuer == null ? new ServletHolder("dev-issuer-off", new DevIssuerOffServlet())
                : new ServletHolder("dev-token-endpoint", new TokenEndpoint(devIssuer));
        ServletHolder documents = devIssuer == null ? token
                : new ServletHolder("dev-issuer-documents", new IssuerMetadataServlet(devIssuer));
        handler.addServletWithMapping(token, TokenEndpoint.PATH);
        handler.addServletWithMapping(documents, IssuerMetadataServlet.JWKS_PATH);
        handler.addServletWithMapping(documents, IssuerMetadataServlet.METADATA_PATH);
        super.startWebapp();
    }
}
