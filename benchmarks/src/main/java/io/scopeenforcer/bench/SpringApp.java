package io.scopeenforcer.bench;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.example.ExampleApp;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.springframework.security.access.AccessDeniedException;

/**
 * The Spring Security contender of {@code benchmarks/load.sh} (docs/architecture.md §13): the same example app,
 * started in this JVM with the same command line, with {@link SpringResourceServer}'s two filters put in front of
 * the app's own filters. {@code load.sh} gives it the all-public policy, so Scope Enforcer's filter behind Spring's
 * is the same pass-through as in the no-filter run, and the difference between the two runs is Spring's.
 *
 * <p>Spring's side trusts the one key of the {@code --jwks-file} that {@link MintTokens} wrote, issuer
 * {@link TokenPool#ISSUER} and audience {@link TokenPool#AUDIENCE} (what {@code load.sh} passes to the app too).
 * A denial answers 401 (Spring's entry point) or 403 (an {@link AccessDeniedException}, as Spring's
 * {@code ExceptionTranslationFilter} would answer it); {@link LoadClient} counts either as a failure.
 *
 * <pre>java -cp example-app/target/example-app.jar:benchmarks/target/benchmarks.jar io.scopeenforcer.bench.SpringApp
 *     --jwks-file=FILE [the example app's other options]</pre>
 */
public final class SpringApp {

    private static final String FILTER_NAME = "spring-security-resource-server";

    private SpringApp() {
    }

    /** Starts the app with Spring's filters in front and runs until the JVM stops. */
    public static void main(String[] args) throws IOException, ParseException {
        String jwksFile = null;
        for (String arg : args) {
            if (arg.startsWith("--jwks-file=")) {
                jwksFile = arg.substring("--jwks-file=".length());
            }
        }
        if (jwksFile == null) {
            System.err.println("usage: SpringApp --jwks-file=FILE [the example app's other options]");
            System.exit(2);
        }
        List<JWK> keys = JWKSet.load(new File(jwksFile)).getKeys();
        if (keys.size() != 1) {
            throw new IllegalArgumentException(jwksFile + " has " + keys.size() + " keys, not one");
        }
        SpringResourceServer spring = new SpringResourceServer(keys.get(0));
        ExampleApp.Running app = ExampleApp.start(args);
        prepend(app, new SpringFilter(spring));
        System.out.println("example app on " + app.baseUri() + " behind Spring Security's"
                + " BearerTokenAuthenticationFilter and AuthorizationFilter");
        app.join();
    }

    /** Puts {@code filter} first in the running app's filter chain, for every request dispatch to any path. */
    private static void prepend(ExampleApp.Running app, Filter filter) {
        ServletHandler handler = ServletContextHandler.getServletContextHandler(app.servletContext()).getServletHandler();
        FilterHolder holder = new FilterHolder(filter);
        holder.setName(FILTER_NAME);
        FilterMapping mapping = new FilterMapping();
        mapping.setFilterName(FILTER_NAME);
        mapping.setPathSpec("/*");
        mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
        handler.prependFilter(holder);
        handler.prependFilterMapping(mapping);
    }

    /** Spring's two filters as one servlet filter; {@link SpringResourceServer} clears the security context after. */
    private static final class SpringFilter implements Filter {
        private final SpringResourceServer spring;

        SpringFilter(SpringResourceServer spring) {
            this.spring = spring;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletResponse http = (HttpServletResponse) response;
            try {
                spring.doFilter((HttpServletRequest) request, http, chain);
            } catch (AccessDeniedException e) {
                http.sendError(HttpServletResponse.SC_FORBIDDEN);
            }
        }
    }
}
