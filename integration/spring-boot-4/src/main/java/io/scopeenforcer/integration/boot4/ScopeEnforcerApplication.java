package io.scopeenforcer.integration.boot4;

import io.scopeenforcer.servlet.FilterParameter;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot 4.0 web application (embedded Tomcat) whose API is protected by {@link ScopeEnforcementFilter},
 * registered the Spring Boot way: a {@link FilterRegistrationBean} for {@code /*}, first in the chain (README,
 * "Spring Boot").
 *
 * <p>Spring Security is on the class path (as in an application that uses its JOSE or client support), so
 * Spring Boot would add its own filter chain, which asks for a login on every path; the filter is the resource
 * server here, so that auto-configuration is excluded. Spring Boot 4 moved it to its own module
 * ({@code spring-boot-security}), where the chain is {@code ServletWebSecurityAutoConfiguration}; its
 * {@code UserDetailsServiceAutoConfiguration} would still make a user with a generated password (and log it), so
 * it goes too. {@code SecurityAutoConfiguration} stays: it only binds {@code spring.security.*} and publishes
 * authentication events.
 */
@SpringBootApplication(exclude = {ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class})
public class ScopeEnforcerApplication {

    /** The prefix of the Spring properties that configure the filter: {@code scope-enforcer.issuer}, ... */
    public static final String PROPERTY_PREFIX = "scope-enforcer.";

    /** Starts the application. */
    public static void main(String[] args) {
        SpringApplication.run(ScopeEnforcerApplication.class, args);
    }

    /**
     * The filter, with every parameter set as the Spring property {@code scope-enforcer.<name>} (README parameter
     * table) as an init parameter. A bad value fails the filter's {@code init()} and so the application's start.
     */
    @Bean
    public FilterRegistrationBean<ScopeEnforcementFilter> scopeEnforcer(Environment environment) {
        FilterRegistrationBean<ScopeEnforcementFilter> registration =
                new FilterRegistrationBean<>(new ScopeEnforcementFilter());
        for (String name : FilterParameter.names()) {
            String value = environment.getProperty(PROPERTY_PREFIX + name);
            if (value != null) {
                registration.addInitParameter(name, value);
            }
        }
        registration.addUrlPatterns("/*");
        // Before every filter that reads or authenticates the request (Spring's FormContentFilter at -9900, Spring
        // Security's chain at -100). Only Spring Boot's CharacterEncodingFilter shares this order, and it merely
        // sets the charset of a body the filter never reads.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
